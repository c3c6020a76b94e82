// Blob uploads: HEAD to skip blobs the repository has, cross-repository mount, then POST + PUT
// (monolithic) or POST + PATCH chunks + PUT for large blobs.
import { Transform, type Readable } from 'node:stream';
import type { Descriptor } from '../oci/index.js';
import { repositoryScope } from './auth.js';
import { headBlob } from './blobs.js';
import { TsbuildError } from '../errors.js';
import { RegistryError } from './errors.js';
import type { RegistryResponse, Transport } from './transport.js';

export type UploadOutcome = 'exists' | 'mounted' | 'uploaded';

export interface UploadOptions {
  /** Repositories on the same registry that may hold the blob already (tried with `?mount=`). */
  mountFrom?: string[];
  /** Blobs larger than this go up in PATCH chunks of this size (default 128 MiB). */
  chunkSize?: number;
  onBytes?: (done: number) => void;
  /** Told which repository the blob was mounted from. */
  onMounted?: (from: string) => void;
}

const DEFAULT_CHUNK_SIZE = 128 * 1024 * 1024;
const UPLOAD_SESSIONS = 3;

/** Makes `descriptor`'s blob present in `repo`, reading it from `open()` only when it must. */
export async function uploadBlob(
  t: Transport,
  repo: string,
  descriptor: Descriptor,
  open: () => Promise<Readable>,
  options: UploadOptions = {},
): Promise<UploadOutcome> {
  if ((await headBlob(t, repo, descriptor.digest, true)) !== undefined) return 'exists';
  // Chunks are never resent within a session (their bytes are streamed once), and a registry may
  // forget a session: both recover by starting a new upload session.
  const chunked = descriptor.size > (options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadOnce(t, repo, descriptor, open, options);
    } catch (error) {
      const recoverable = isLostSession(error) || (chunked && error instanceof RegistryError && error.temporary);
      if (attempt >= UPLOAD_SESSIONS || !recoverable) throw error;
    }
  }
}

function isLostSession(error: unknown): boolean {
  if (!(error instanceof RegistryError)) return false;
  return error.diagnostics.some((d) => d.code === 'BLOB_UPLOAD_UNKNOWN' || d.code === 'BLOB_UPLOAD_INVALID');
}

async function uploadOnce(
  t: Transport,
  repo: string,
  descriptor: Descriptor,
  open: () => Promise<Readable>,
  options: UploadOptions,
): Promise<UploadOutcome> {
  let location: string | undefined;
  for (const from of options.mountFrom ?? []) {
    if (from === repo) continue;
    const mount = await startUpload(t, repo, descriptor, from);
    if (mount.statusCode === 201) {
      void mount.body.dump();
      options.onMounted?.(from);
      return 'mounted';
    }
    location = uploadLocation(t, mount, repo);
    break;
  }
  location ??= uploadLocation(t, await startUpload(t, repo, descriptor), repo);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const onBytes = options.onBytes ?? (() => {});
  if (descriptor.size <= chunkSize) {
    await putMonolithic(t, repo, descriptor, location, async () => counted(await open(), onBytes));
  } else {
    await putChunked(t, repo, descriptor, location, await open(), chunkSize, onBytes);
  }
  return 'uploaded';
}

function startUpload(t: Transport, repo: string, descriptor: Descriptor, mountFrom?: string): Promise<RegistryResponse> {
  const query = mountFrom ? `?mount=${descriptor.digest}&from=${encodeURIComponent(mountFrom)}` : '';
  const scopes = [repositoryScope(repo, true)];
  if (mountFrom) scopes.push(repositoryScope(mountFrom, false));
  return t.expect(
    { method: 'POST', url: `/v2/${repo}/blobs/uploads/${query}`, headers: { 'content-length': '0' }, scopes, what: `upload of blob ${descriptor.digest} to ${repo}` },
    201, 202,
  );
}

function uploadLocation(t: Transport, response: RegistryResponse, repo: string): string {
  void response.body.dump();
  const location = response.headers['location'];
  if (typeof location !== 'string') {
    throw new RegistryError(`${t.registry}: upload to ${repo} returned no Location`, { registry: t.registry });
  }
  return t.resolve(location).href;
}

function withDigest(location: string, descriptor: Descriptor): string {
  const url = new URL(location);
  url.searchParams.set('digest', descriptor.digest);
  return url.href;
}

async function putMonolithic(t: Transport, repo: string, descriptor: Descriptor, location: string, open: () => Promise<Readable>): Promise<void> {
  const response = await t.expect(
    {
      method: 'PUT',
      url: withDigest(location, descriptor),
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(descriptor.size) },
      body: open,
      scopes: [repositoryScope(repo, true)],
      what: `upload of blob ${descriptor.digest} to ${repo}`,
      streaming: true,
    },
    201, 204,
  );
  await response.body.dump();
}

/**
 * Streams the blob in PATCH requests of `chunkSize` bytes (never buffering a chunk), then closes
 * the upload with an empty PUT. A failed chunk is not resent: the caller starts a new session.
 */
async function putChunked(
  t: Transport, repo: string, descriptor: Descriptor, location: string, source: Readable, chunkSize: number,
  onBytes: (done: number) => void,
): Promise<void> {
  const what = `upload of blob ${descriptor.digest} to ${repo}`;
  const scopes = [repositoryScope(repo, true)];
  const reader = new ChunkReader(source, what);
  try {
    for (let offset = 0; offset < descriptor.size; offset += chunkSize) {
      const length = Math.min(chunkSize, descriptor.size - offset);
      const response = await t.expect(
        {
          method: 'PATCH', url: location, body: () => reader.take(length, offset, onBytes), scopes, what, once: true, streaming: true,
          headers: {
            'content-type': 'application/octet-stream', 'content-length': String(length),
            'content-range': `${offset}-${offset + length - 1}`,
          },
        },
        202,
      );
      location = uploadLocation(t, response, repo);
    }
  } finally {
    source.destroy();
  }
  const done = await t.expect(
    { method: 'PUT', url: withDigest(location, descriptor), headers: { 'content-length': '0' }, scopes, what },
    201, 204,
  );
  await done.body.dump();
}

/** Hands out consecutive byte ranges of one stream as separate async iterables. */
class ChunkReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private leftover: Buffer | undefined;

  constructor(source: Readable, private readonly what: string) {
    this.chunks = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  async *take(length: number, offset: number, onBytes: (done: number) => void): AsyncGenerator<Buffer> {
    let left = length;
    while (left > 0) {
      let chunk = this.leftover ?? (await this.next());
      this.leftover = undefined;
      if (chunk.length > left) {
        this.leftover = chunk.subarray(left);
        chunk = chunk.subarray(0, left);
      }
      left -= chunk.length;
      onBytes(offset + length - left);
      yield chunk;
    }
  }

  private async next(): Promise<Buffer> {
    const result = await this.chunks.next();
    if (result.done) throw new TsbuildError('STORE', `${this.what}: the stored blob is shorter than its descriptor`);
    return result.value;
  }
}

/** Passes bytes through, reporting the running total (upload progress). */
function counted(source: Readable, onBytes: (done: number) => void): Readable {
  let done = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      onBytes(done);
      callback(null, chunk);
    },
  });
  source.on('error', (error) => counter.destroy(error));
  return source.pipe(counter);
}

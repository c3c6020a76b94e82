// Loads an OCI layout (tar or directory) or a docker-archive tarball into the store and names
// the images it holds. Every blob is verified against its digest as it is stored.
import { createReadStream } from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { TsbuildError } from '../errors.js';
import { CONTAINERD_NAME, REF_NAME } from './archive-oci.js';
import type { DockerArchiveManifest } from './archive-docker.js';
import type { BlobInfo, ContentStore } from './content-store.js';
import { isDigest, parseDigest } from './digest.js';
import { parseIndex, MediaType, type Descriptor, type Digest, type ImageManifest } from '../spec/index.js';
import { putJson, readConfig } from './image.js';
import { reachableBlobs } from './image-walk.js';
import { layerMediaType } from './layer.js';
import { DiskContentStore } from './disk-store.js';
import { statSource } from './source-path.js';

export interface LoadedImage {
  /** A name when the archive gave one, else undefined (the image is then only reachable by digest). */
  name?: string;
  descriptor: Descriptor;
}

const METADATA_FILES = new Set(['index.json', 'manifest.json', 'oci-layout', 'repositories']);

/** Loads `source` (tar, gzip'd tar, OCI layout directory, or a stream of a tar) and returns the images found. */
export async function loadArchive(store: ContentStore, source: string | NodeJS.ReadableStream): Promise<LoadedImage[]> {
  const path = typeof source === 'string' ? source : 'stdin';
  const contents = typeof source !== 'string'
    ? await readTarball(store, path, await gunzipIfNeeded(source))
    : (await statSource(path)).isDirectory() ? await readLayoutDirectory(store, path) : await readTarball(store, path, await maybeGunzip(path));
  if (contents.metadata.has('index.json')) return checked(store, ociImages(contents, path));
  if (contents.metadata.has('manifest.json')) return dockerImages(store, contents, path);
  throw new TsbuildError('USAGE', `${path} is neither an OCI layout (index.json) nor a docker archive (manifest.json)`);
}

interface ArchiveContents {
  metadata: Map<string, Buffer>;
  /** Stored files by path inside the archive. */
  files: Map<string, BlobInfo>;
}

async function readTarball(store: ContentStore, path: string, input: Readable): Promise<ArchiveContents> {
  const contents: ArchiveContents = { metadata: new Map(), files: new Map() };
  const extract = tar.extract();
  input.on('error', (error) => extract.destroy(error));
  input.pipe(extract);
  try {
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^\.\//, '');
      if (entry.header.type !== 'file') {
        entry.resume();
        continue;
      }
      await storeEntry(store, contents, name, entry as unknown as AsyncIterable<Buffer>);
    }
  } catch (error) {
    // tar-stream's and zlib's parse errors carry no errno code; the store's own errors are kept.
    const errno = (error as NodeJS.ErrnoException).code;
    if (error instanceof TsbuildError || (errno !== undefined && !errno.startsWith('Z_'))) throw error;
    throw new TsbuildError('USAGE', `${path} is not a tar archive (or is a truncated one): ${(error as Error).message}`, { cause: error });
  }
  return contents;
}

async function storeEntry(store: ContentStore, contents: ArchiveContents, name: string, body: AsyncIterable<Buffer>): Promise<void> {
  if (METADATA_FILES.has(name)) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    contents.metadata.set(name, Buffer.concat(chunks));
    return;
  }
  const blobDigest = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name)?.[1];
  const expected = blobDigest ? parseDigest(`sha256:${blobDigest}`, name) : undefined;
  contents.files.set(name, await store.put(body, expected));
}

async function readLayoutDirectory(store: ContentStore, dir: string): Promise<ArchiveContents> {
  const contents: ArchiveContents = { metadata: new Map(), files: new Map() };
  for (const name of METADATA_FILES) {
    const bytes = await readFile(join(dir, name)).catch(() => undefined);
    if (bytes) contents.metadata.set(name, bytes);
  }
  for (const hex of await readdir(join(dir, 'blobs', 'sha256'))) {
    const digest = `sha256:${hex}`;
    if (!isDigest(digest)) continue;
    const name = `blobs/sha256/${hex}`;
    contents.files.set(name, await store.put(createReadStream(join(dir, name)), digest));
  }
  return contents;
}

/** Reads every document the loaded images reach, so a hostile manifest fails the load, not a later command. */
async function checked(store: ContentStore, images: LoadedImage[]): Promise<LoadedImage[]> {
  await reachableBlobs(store, images.map((image) => image.descriptor));
  return images;
}

function ociImages(contents: ArchiveContents, path: string): LoadedImage[] {
  const index = parseIndex(contents.metadata.get('index.json')!, { where: `${path}: index.json` });
  return index.manifests.map((descriptor) => {
    const { [CONTAINERD_NAME]: fullName, [REF_NAME]: refName, ...rest } = descriptor.annotations ?? {};
    const clean: Descriptor = { ...descriptor, annotations: rest };
    if (Object.keys(rest).length === 0) delete clean.annotations;
    const name = fullName ?? (refName && /[/:]/.test(refName) ? refName : undefined);
    return name ? { name, descriptor: clean } : { descriptor: clean };
  });
}

async function dockerImages(store: ContentStore, contents: ArchiveContents, path: string): Promise<LoadedImage[]> {
  const manifests = parseDockerArchiveManifest(contents.metadata.get('manifest.json')!, `${path}: manifest.json`);
  const loaded: LoadedImage[] = [];
  for (const entry of manifests) {
    const descriptor = await dockerManifest(store, contents, entry);
    const tags = entry.RepoTags ?? [];
    if (tags.length === 0) loaded.push({ descriptor });
    for (const name of tags) loaded.push({ name, descriptor });
  }
  return loaded;
}

function parseDockerArchiveManifest(bytes: Buffer, where: string): DockerArchiveManifest[] {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new TsbuildError('STORE', `${where} is not valid JSON`, { cause: error });
  }
  const isStrings = (list: unknown): boolean => Array.isArray(list) && list.every((item) => typeof item === 'string');
  const valid = Array.isArray(value) && value.every((entry: Partial<Record<keyof DockerArchiveManifest, unknown>> | null) =>
    typeof entry?.Config === 'string' && isStrings(entry.Layers) && (entry.RepoTags == null || isStrings(entry.RepoTags)));
  if (!valid) throw new TsbuildError('STORE', `${where} is not a docker archive manifest (a list of {Config, Layers, RepoTags})`);
  return value as DockerArchiveManifest[];
}

/** Writes a Docker schema 2 manifest for one `manifest.json` entry. */
async function dockerManifest(store: ContentStore, contents: ArchiveContents, entry: DockerArchiveManifest): Promise<Descriptor> {
  const fileInfo = (path: string): BlobInfo => {
    const info = contents.files.get(path.replace(/^\.\//, ''));
    if (!info) throw new TsbuildError('STORE', `docker archive lists ${path} but does not contain it`);
    return info;
  };
  const configInfo = fileInfo(entry.Config);
  const config = { mediaType: MediaType.DockerConfig, ...configInfo };
  await readConfig(store, config);
  const layers: Descriptor[] = [];
  for (const path of entry.Layers) {
    const info = fileInfo(path);
    const compressed = await isGzipBlob(store, info.digest);
    layers.push({ mediaType: layerMediaType(compressed ? 'gzip' : 'uncompressed', 'docker'), ...info });
  }
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: MediaType.DockerManifest, config, layers };
  return putJson(store, MediaType.DockerManifest, manifest);
}

async function isGzipBlob(store: ContentStore, digest: Digest): Promise<boolean> {
  const head = store instanceof DiskContentStore ? await readHead(store.blobPath(digest)) : await store.read(digest);
  return isGzip(head);
}

/** A read stream of the file, gunzipped when it starts with the gzip magic. */
async function maybeGunzip(path: string): Promise<Readable> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  return isGzip(await readHead(path)) ? stream.pipe(createGunzip()) : stream;
}

/** The stream, gunzipped when its first bytes are the gzip magic (stdin cannot be read twice). */
async function gunzipIfNeeded(source: NodeJS.ReadableStream): Promise<Readable> {
  const iterator = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  const chunks: Buffer[] = [];
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    chunks.push(Buffer.from(next.value));
    head = Buffer.concat(chunks);
  }
  if (head.length === 0) throw new TsbuildError('USAGE', 'nothing to load: stdin is empty');
  async function* whole(): AsyncGenerator<Buffer> {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield Buffer.from(next.value);
  }
  const stream = Readable.from(whole(), { objectMode: false });
  return isGzip(head) ? stream.pipe(createGunzip()) : stream;
}

function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

async function readHead(path: string): Promise<Buffer> {
  const head = Buffer.alloc(2);
  const file = await open(path);
  try {
    await file.read(head, 0, 2, 0);
  } finally {
    await file.close();
  }
  return head;
}

// Blob downloads (`/v2/<name>/blobs/<digest>`): HEAD, GET following redirects, streamed into the
// content store (which verifies the digest), resuming with Range when a connection breaks. A
// download never takes more bytes than its descriptor declares.
import { DigestMismatchError } from '../oci/index.js';
import type { ContentStore, Descriptor, Digest } from '../oci/index.js';
import { repositoryScope } from './auth.js';
import { readErrorText } from './bodies.js';
import { registryStatusError, RegistryError } from './errors.js';
import { isRetryable, type RegistryResponse, type Transport } from './transport.js';

const MAX_REDIRECTS = 5;
const MAX_RESUMES = 5;

/** Size of a blob in the repository, or undefined when it is not there; `forPush` asks for a push token up front. */
export async function headBlob(t: Transport, repo: string, digest: Digest, forPush = false): Promise<number | undefined> {
  const response = await t.expect(
    { method: 'HEAD', url: `/v2/${repo}/blobs/${digest}`, scopes: [repositoryScope(repo, forPush)], what: `blob ${digest} in ${repo}` },
    200, 404,
  );
  await response.body.dump();
  if (response.statusCode === 404) return undefined;
  return Number(response.headers['content-length'] ?? 0);
}

/** GETs a blob from `offset`, following redirects (auth is dropped when the origin changes). */
async function openBlob(t: Transport, repo: string, descriptor: Descriptor, offset: number): Promise<RegistryResponse> {
  const digest = descriptor.digest;
  const what = `blob ${digest} in ${repo}`;
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  let url = `/v2/${repo}/blobs/${digest}`;
  let response = await t.send({ method: 'GET', url, headers, scopes: [repositoryScope(repo, false)], what, streaming: true });
  for (let hops = 0; [301, 302, 303, 307, 308].includes(response.statusCode); hops++) {
    const location = response.headers['location'];
    await response.body.dump();
    if (hops >= MAX_REDIRECTS || typeof location !== 'string') {
      throw new RegistryError(`${t.registry}: too many or broken redirects for ${what}`, { registry: t.registry });
    }
    const target = new URL(location, t.resolve(url));
    url = target.href;
    response = target.origin === t.resolve('/').origin
      ? await t.send({ method: 'GET', url, headers, scopes: [repositoryScope(repo, false)], what, streaming: true })
      : await t.requestElsewhere(target, headers);
  }
  if (response.statusCode !== 200 && response.statusCode !== 206) {
    throw registryStatusError(t.registry, response.statusCode, what, await readErrorText(response.body));
  }
  const length = Number(response.headers['content-length'] ?? NaN);
  const expected = response.statusCode === 206 ? descriptor.size - offset : descriptor.size;
  if (Number.isFinite(length) && length > expected) {
    response.body.destroy();
    throw oversized(t, repo, descriptor, `Content-Length ${length}`);
  }
  return response;
}

/** The bytes of a blob as one stream, reconnecting after breaks and skipping what was already seen. */
async function* resumableBlob(
  t: Transport,
  repo: string,
  descriptor: Descriptor,
  onBytes: (done: number) => void,
): AsyncGenerator<Uint8Array> {
  let offset = 0;
  let failures = 0;
  while (true) {
    const response = await openBlob(t, repo, descriptor, offset);
    // A 200 to a Range request means the server ignored it: skip what we already have.
    let skip = offset > 0 && response.statusCode === 200 ? offset : 0;
    try {
      for await (const raw of response.body as AsyncIterable<Buffer>) {
        let chunk = raw;
        if (skip > 0) {
          const dropped = Math.min(skip, chunk.length);
          skip -= dropped;
          chunk = chunk.subarray(dropped);
          if (chunk.length === 0) continue;
        }
        if (offset + chunk.length > descriptor.size) {
          response.body.destroy();
          throw oversized(t, repo, descriptor, 'more bytes arrived');
        }
        offset += chunk.length;
        onBytes(offset);
        yield chunk;
      }
      if (offset === descriptor.size) return;
    } catch (error) {
      if (!isRetryable(error)) throw error;
    }
    if (++failures > MAX_RESUMES) {
      throw new RegistryError(`${t.registry}: download of blob ${descriptor.digest} of ${repo} kept breaking at byte ${offset} of ${descriptor.size}`, {
        registry: t.registry, temporary: true,
      });
    }
  }
}

function oversized(t: Transport, repo: string, descriptor: Descriptor, detail: string): RegistryError {
  return new RegistryError(
    `${t.registry}: blob ${descriptor.digest} of ${repo} is larger than the ${descriptor.size} bytes its descriptor declares (${detail})`,
    { registry: t.registry },
  );
}

/** Downloads a blob into the store; a digest mismatch keeps nothing and names both digests. */
export async function downloadBlob(
  t: Transport,
  repo: string,
  descriptor: Descriptor,
  store: ContentStore,
  onBytes: (done: number) => void = () => {},
): Promise<void> {
  try {
    await store.put(resumableBlob(t, repo, descriptor, onBytes), descriptor.digest);
  } catch (error) {
    if (error instanceof DigestMismatchError) {
      throw new DigestMismatchError(error.expected, error.actual, `${t.registry}: blob of ${repo}`);
    }
    throw error;
  }
}

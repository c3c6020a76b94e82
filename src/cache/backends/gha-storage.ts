// The GitHub Actions cache service, v2: twirp JSON calls at ACTIONS_RESULTS_URL with the runner's
// token (CreateCacheEntry, FinalizeCacheEntryUpload, GetCacheEntryDownloadURL) and the bytes
// moved to and from the signed Azure blob URLs they return (Put Block + Put Block List, Get Blob).
// Entries are immutable: as go-actions-cache (BuildKit's gha backend) does, a mutable index is a
// series of keys `KEY#1`, `KEY#2`, ... read back through a prefix match, which yields the newest.
// Blobs use BuildKit's keys and version, so the two builders share layers by digest. Every
// request is retried on temporary failures (http-retry.ts).
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { request } from 'undici';
import { TsbuildError } from '../../errors.js';
import type { Descriptor } from '../../oci/index.js';
import { isObject } from '../../spec/index.js';
import { readErrorText, readLimited } from '../../registry/index.js';
import type { CacheBackend } from '../backend.js';
import { blobStorageBackend, tooLarge, type BlobStorage, type ObjectBody } from './blob-storage.js';
import { withRetries } from './http-retry.js';

/** go-actions-cache's entry version (the same for every key). */
const VERSION = createHash('sha256').update('|go-actionscache-1.0').digest('hex');
const SERVICE = 'twirp/github.actions.results.api.v1.CacheService';
const TWIRP_LIMIT = 64 * 1024;
/** Upload block size: each block is buffered once in memory. */
const BLOCK_SIZE = 32 * 1024 * 1024;
const INDEX_SAVE_ATTEMPTS = 5;

type Response = Awaited<ReturnType<typeof request>>;

/** `location`: the `scope=`, `url=`, `token=` of a `type=gha` location. */
export function ghaBackend(location: { scope: string; url?: string; token?: string }, env: Record<string, string | undefined>): CacheBackend {
  const url = location.url ?? env.ACTIONS_RESULTS_URL;
  const token = location.token ?? env.ACTIONS_RUNTIME_TOKEN;
  if (!url || !token) {
    throw new TsbuildError('USAGE', 'type=gha needs the GitHub Actions cache service: ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN (or url= and token=)');
  }
  return blobStorageBackend(new GhaBlobStorage(location.scope, new URL(url.endsWith('/') ? url : `${url}/`), token));
}

interface TokenScope {
  Scope: string;
  Permission: number;
}

class GhaBlobStorage implements BlobStorage {
  readonly description: string;
  private readonly scopes: TokenScope[];

  constructor(private readonly scope: string, private readonly service: URL, private readonly token: string) {
    this.description = `gha scope ${scope}`;
    this.scopes = tokenScopes(token);
  }

  async readManifest(limit: number): Promise<Buffer | undefined> {
    // The token's scopes in order: the current ref first, then the refs it may read from.
    for (const { Scope } of this.scopes) {
      const prefix = `${this.indexKey(Scope)}#`;
      const entry = await this.lookup(prefix, [prefix]);
      if (!entry) continue;
      const response = await this.download(entry.url, `index ${entry.key}`);
      const length = Number(response.headers['content-length'] ?? NaN);
      if (length > limit) {
        response.body.destroy();
        throw tooLarge(this.description, 'cache manifest', limit);
      }
      return readLimited(response.body, limit, () => tooLarge(this.description, 'cache manifest', limit));
    }
    return undefined;
  }

  async writeManifest(bytes: Buffer): Promise<void> {
    const writable = this.scopes.filter((s) => (s.Permission & 2) !== 0).at(-1) ?? this.scopes.at(-1)!;
    const key = this.indexKey(writable.Scope);
    const latest = (await this.lookup(`${key}#`, [`${key}#`]))?.key;
    let next = latest ? Number(latest.slice(key.length + 1)) + 1 : 1;
    if (!Number.isSafeInteger(next) || next < 1) next = 1;
    for (let attempt = 0; attempt < INDEX_SAVE_ATTEMPTS; attempt++, next++) {
      // Another build may take the same number: then the next one.
      if (await this.save(`${key}#${next}`, bytes.length, async function* () {
        yield bytes;
      })) return;
    }
    throw new TsbuildError('CACHE_BACKEND', `${this.description}: could not reserve a cache entry for the index ${key}`);
  }

  async hasBlob(descriptor: Descriptor): Promise<boolean> {
    return (await this.lookup(blobKey(descriptor), [])) !== undefined;
  }

  async openBlob(descriptor: Descriptor): Promise<ObjectBody> {
    const entry = await this.lookup(blobKey(descriptor), []);
    if (!entry) throw new TsbuildError('NOT_FOUND', `${this.description}: blob ${descriptor.digest} is not in the cache`);
    return (await this.download(entry.url, `blob ${descriptor.digest}`)).body;
  }

  async writeBlob(descriptor: Descriptor, open: () => Promise<Readable>): Promise<void> {
    // Another build saved it since the check: the entry is there, which is all that matters.
    await this.save(blobKey(descriptor), descriptor.size, open);
  }

  /** BuildKit's index key shape, with tsbuild's prefix: the two formats must not meet. */
  private indexKey(tokenScope: string): string {
    return `tsbuild-index-${this.scope}-1-${createHash('sha256').update(tokenScope).digest('hex').slice(0, 8)}`;
  }

  /** The entry `key` (or the newest with one of `restoreKeys` as prefix), if the service has one. */
  private async lookup(key: string, restoreKeys: string[]): Promise<{ key: string; url: URL } | undefined> {
    const answer = await this.twirp('GetCacheEntryDownloadURL', { key, restore_keys: restoreKeys, version: VERSION });
    if (answer.ok !== true) return undefined;
    return { key: typeof answer.matched_key === 'string' ? answer.matched_key : key, url: signedUrl(answer.signed_download_url, 'download', this.description) };
  }

  /** Creates, uploads and finalizes an entry; false when the key was already taken. */
  private async save(key: string, size: number, open: () => Promise<AsyncIterable<Uint8Array>> | AsyncIterable<Uint8Array>): Promise<boolean> {
    const created = await this.twirp('CreateCacheEntry', { key, version: VERSION }, [409]);
    if (created.ok !== true) return false;
    await this.upload(signedUrl(created.signed_upload_url, 'upload', this.description), size, await open());
    const finalized = await this.twirp('FinalizeCacheEntryUpload', { key, size_bytes: size, version: VERSION });
    if (finalized.ok !== true) throw new TsbuildError('CACHE_BACKEND', `${this.description}: the service did not finalize the cache entry ${key}`);
    return true;
  }

  /** Azure block blob upload: the bytes in blocks, then the block list that makes them the blob. */
  private async upload(url: URL, size: number, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const ids: string[] = [];
    let pending: Buffer[] = [];
    let pendingSize = 0;
    let sent = 0;
    const putBlock = async () => {
      const id = Buffer.from(`block-${String(ids.length).padStart(8, '0')}`).toString('base64');
      const body = Buffer.concat(pending, pendingSize);
      await this.azure(withQuery(url, { comp: 'block', blockid: id }), body, {}, 'Put Block');
      ids.push(id);
      sent += body.length;
      pending = [];
      pendingSize = 0;
    };
    for await (const chunk of chunks) {
      let rest = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      while (rest.length > 0) {
        const take = Math.min(rest.length, BLOCK_SIZE - pendingSize);
        pending.push(rest.subarray(0, take));
        pendingSize += take;
        rest = rest.subarray(take);
        if (pendingSize === BLOCK_SIZE) await putBlock();
      }
    }
    if (pendingSize > 0) await putBlock();
    if (sent !== size) throw new TsbuildError('INTERNAL', `${this.description}: uploaded ${sent} bytes of a ${size}-byte blob`);
    const list = `<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.map((id) => `<Latest>${id}</Latest>`).join('')}</BlockList>`;
    await this.azure(withQuery(url, { comp: 'blocklist' }), Buffer.from(list), { 'content-type': 'application/xml' }, 'Put Block List');
  }

  private async azure(url: URL, body: Buffer, headers: Record<string, string>, what: string): Promise<void> {
    const response = await this.send(url, {
      method: 'PUT', body, headers: { ...headers, 'content-length': String(body.length), 'x-ms-version': '2020-10-02' },
    }, what);
    await expectStatus(response, [201], `${this.description}: ${what}`);
    await response.body.dump();
  }

  private async download(url: URL, what: string): Promise<Response> {
    const response = await this.send(url, { method: 'GET', headers: { 'x-ms-version': '2020-10-02' } }, what);
    await expectStatus(response, [200], `${this.description}: download of ${what}`);
    return response;
  }

  private async twirp(method: string, body: object, tolerated: number[] = []): Promise<Record<string, unknown>> {
    const url = new URL(`${SERVICE}/${method}`, this.service);
    const response = await this.send(url, {
      method: 'POST', body: JSON.stringify(body),
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
    }, method);
    if (tolerated.includes(response.statusCode)) {
      await response.body.dump();
      return {};
    }
    await expectStatus(response, [200], `${this.description}: ${method}`);
    const text = await readLimited(response.body, TWIRP_LIMIT, () => tooLarge(this.description, `the ${method} answer`, TWIRP_LIMIT));
    try {
      const parsed: unknown = JSON.parse(text.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw new TsbuildError('CACHE_BACKEND', `${this.description}: ${method} answered with something that is not a JSON object`);
  }

  /** One call or transfer, retried on temporary failures (every body here is a Buffer or string, sent again as is). */
  private async send(url: URL, options: NonNullable<Parameters<typeof request>[1]>, what: string): Promise<Response> {
    try {
      return await withRetries(() => request(url, options));
    } catch (error) {
      throw new TsbuildError('CACHE_BACKEND', `${this.description}: ${what} (${url.host}): ${(error as Error).message}`, { cause: error });
    }
  }
}

function blobKey(descriptor: Descriptor): string {
  return `buildkit-blob-1-${descriptor.digest}`;
}

/**
 * The scopes the runner's token grants (its `ac` claim), as BuildKit reads them; a token that is
 * not such a JWT has one unnamed scope.
 */
export function tokenScopes(token: string): TokenScope[] {
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const scopes: unknown = isObject(claims) && typeof claims.ac === 'string' ? JSON.parse(claims.ac) : undefined;
    if (Array.isArray(scopes)) {
      const valid = scopes.filter((s): s is TokenScope => isObject(s) && typeof s.Scope === 'string' && typeof s.Permission === 'number');
      if (valid.length > 0) return valid;
    }
  } catch {
    // not a JWT with scopes
  }
  return [{ Scope: '', Permission: 3 }];
}

function signedUrl(value: unknown, what: string, where: string): URL {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new TsbuildError('CACHE_BACKEND', `${where}: the service gave no valid signed ${what} URL`);
  }
  return url;
}

function withQuery(url: URL, params: Record<string, string>): URL {
  const copy = new URL(url);
  for (const [k, v] of Object.entries(params)) copy.searchParams.set(k, v);
  return copy;
}

async function expectStatus(response: Response, expected: number[], what: string): Promise<void> {
  if (expected.includes(response.statusCode)) return;
  const text = (await readErrorText(response.body)).slice(0, 300);
  throw new TsbuildError('CACHE_BACKEND', `${what}: HTTP ${response.statusCode}${text ? `: ${text}` : ''}`);
}


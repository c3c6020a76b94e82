// `ADD <url>`: downloads a remote file into a scratch directory, streamed to disk and hashed while
// streaming (never the whole body in memory), with an idle timeout and the build's cancellation.
// With `kept`, a download with an ETag is kept (its body a blob of the content store) and a later
// build revalidates it as BuildKit's http source does: HEAD with If-None-Match, and when the
// server names the kept ETag the kept body is used without downloading it again.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Agent, Response } from 'undici';
import { TsbuildError } from '../errors.js';
import { HashingStream, type ContentStore } from '../oci/index.js';
import type { Digest } from '../spec/index.js';
import { MAX_KEPT_ETAG, readDownloadRecord, removeDownloadRecord, writeDownloadRecord, type DownloadRecord } from './download-records.js';

/** A download fails when the server sends nothing for this long. */
const IDLE_TIMEOUT_MS = 60_000;

let agent: Agent | undefined;

export interface DownloadedFile {
  path: string;
  digest: string;
  /** The response's Last-Modified, when it had a valid one (the file's mtime then too). */
  lastModified?: Date;
}

/** Where downloads are kept for revalidation (see download-records.ts). */
export interface KeptDownloads {
  /** The record directory, `<root>/cache/downloads`. */
  dir: string;
  store: ContentStore;
  /** Leases a blob before it is read or stored, so that no garbage collection removes it meanwhile. */
  hold(digest: Digest): Promise<void>;
}

/**
 * Downloads `url` into `dir` (named after the URL's last path segment, else `__unnamed__` as in
 * BuildKit) and returns its sha256.
 * `where` prefixes errors (`Dockerfile:3`); an `expected` checksum that does not match fails.
 */
export async function downloadUrl(
  url: string, dir: string, where: string, expected: string | undefined, signal: AbortSignal, kept?: KeptDownloads,
): Promise<DownloadedFile> {
  // undici is loaded by the builds that download something, not by every COPY.
  // undici is CommonJS: where it is bundled, a dynamic import yields its exports as `default`.
  const loaded = await import('undici');
  const { Agent, fetch } = (typeof loaded.Agent === 'function' ? loaded : loaded.default) as typeof loaded;
  agent ??= new Agent({ headersTimeout: IDLE_TIMEOUT_MS, bodyTimeout: IDLE_TIMEOUT_MS });
  const cannot = (message: string, cause?: unknown) => new TsbuildError('NOT_FOUND', `${where}: cannot download ${url}: ${message}`, { cause });
  const failed = (error: unknown): unknown => {
    if (signal.aborted) return signal.reason;
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return cannot(cause ?? (error as Error).message, error);
  };
  const request = (method: 'GET' | 'HEAD', etag?: string) =>
    fetch(url, { method, dispatcher: agent, signal, headers: etag ? { 'If-None-Match': etag } : {} }).catch((error: unknown) => {
      throw failed(error);
    });
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, path.posix.basename(new URL(url).pathname) || '__unnamed__');
  const checked = (result: DownloadedFile): DownloadedFile => {
    if (expected && expected !== result.digest) {
      throw new TsbuildError('DIGEST_MISMATCH', `${where}: ${url}: checksum mismatch: expected ${expected}, got ${result.digest}`);
    }
    return result;
  };

  // The kept body is restored (and verified) first; the server then only says whether it is current.
  const record = kept ? await restoreKept(kept, url, file) : undefined;
  if (record) {
    // A HEAD that fails is no answer: the GET below asks again (BuildKit does the same).
    const head = await request('HEAD', record.etag).catch((error: unknown) => {
      if (signal.aborted) throw error;
      return undefined;
    });
    await head?.body?.cancel();
    if (head && namesKeptBody(head, record)) return checked(await keptResult(file, record));
  }
  const response = await request('GET', record?.etag);
  if (response.status === 304 && record) {
    await response.body?.cancel();
    // A 304 without an ETag refers to the only one asked about (BuildKit, moby/buildkit#905).
    const etag = etagValue(response.headers.get('etag')) || record.etag;
    if (etag !== record.etag) throw cannot(`invalid not-modified ETag ${etag.slice(0, 200)}`);
    return checked(await keptResult(file, record));
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw cannot(response.status === 304 ? 'HTTP 304 Not Modified to a request that was not conditional' : `HTTP ${response.status}`);
  }
  const hashing = new HashingStream();
  await pipeline(Readable.fromWeb(response.body), hashing, createWriteStream(file, { mode: 0o600 }), { signal }).catch((error: unknown) => {
    throw failed(error);
  });
  const result = checked({ path: file, digest: hashing.digest });
  const lastModified = response.headers.get('last-modified') ?? undefined;
  if (kept) await keep(kept, { url, etag: etagValue(response.headers.get('etag')), digest: hashing.digest, size: hashing.size, lastModified }, file);
  return withModTime(result, lastModified);
}

/**
 * The kept record of `url` with its body copied to `file` and verified, or undefined when there
 * is none or its body is gone or altered (the record is then dropped and the URL downloaded).
 */
async function restoreKept(kept: KeptDownloads, url: string, file: string): Promise<DownloadRecord | undefined> {
  const record = await readDownloadRecord(kept.dir, url);
  if (!record) return undefined;
  try {
    await kept.hold(record.digest);
    const info = await kept.store.stat(record.digest);
    if (info?.size !== record.size) throw new TsbuildError('NOT_FOUND', `kept download of ${url} is gone`);
    // The store's stream fails with DIGEST_MISMATCH when the blob's bytes were altered.
    await pipeline(await kept.store.open(record.digest), createWriteStream(file, { mode: 0o600 }));
    return record;
  } catch {
    await removeDownloadRecord(kept.dir, url);
    return undefined;
  }
}

/**
 * Whether a revalidation answer (BuildKit's HEAD) names the kept body: 200 or 304 with its ETag
 * (a 304 without one refers to the one asked about), and a 200 that states a size states the kept
 * one; anything else downloads again.
 */
function namesKeptBody(response: Response, record: DownloadRecord): boolean {
  if (response.status !== 200 && response.status !== 304) return false;
  const etag = etagValue(response.headers.get('etag')) || (response.status === 304 ? record.etag : '');
  if (etag !== record.etag) return false;
  const length = response.headers.get('content-length');
  return response.status === 304 || length === null || Number(length) === record.size;
}

async function keptResult(file: string, record: DownloadRecord): Promise<DownloadedFile> {
  return withModTime({ path: file, digest: record.digest }, record.lastModified);
}

/** Stores the body and its record when the server gave an ETag to revalidate it by; else forgets the URL. */
async function keep(kept: KeptDownloads, record: DownloadRecord, file: string): Promise<void> {
  if (record.etag === '' || record.etag.length > MAX_KEPT_ETAG) return removeDownloadRecord(kept.dir, record.url);
  await kept.hold(record.digest);
  await kept.store.put(createReadStream(file), record.digest);
  await writeDownloadRecord(kept.dir, record);
}

/** Sets the file's mtime to a valid Last-Modified (BuildKit's http source does the same). */
async function withModTime(result: DownloadedFile, lastModified: string | undefined): Promise<DownloadedFile> {
  const modified = new Date(lastModified ?? NaN);
  if (Number.isNaN(modified.getTime())) return result;
  await utimes(result.path, modified, modified);
  return { ...result, lastModified: modified };
}

/** An ETag as compared: a weak one's `W/` dropped, as BuildKit does. */
function etagValue(header: string | null): string {
  return (header ?? '').replace(/^W\//, '');
}

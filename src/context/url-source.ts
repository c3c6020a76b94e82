// `ADD <url>`: downloads a remote file into a scratch directory, streamed to disk and hashed while
// streaming (never the whole body in memory), with an idle timeout and the build's cancellation.
import { createWriteStream } from 'node:fs';
import { mkdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Agent } from 'undici';
import { TsbuildError } from '../errors.js';
import { HashingStream } from '../oci/index.js';

/** A download fails when the server sends nothing for this long. */
const IDLE_TIMEOUT_MS = 60_000;

let agent: Agent | undefined;

export interface DownloadedFile {
  path: string;
  digest: string;
  /** The response's Last-Modified, when it had a valid one (the file's mtime then too). */
  lastModified?: Date;
}

/**
 * Downloads `url` into `dir` (named after the URL's last path segment, else `__unnamed__` as in
 * BuildKit) and returns its sha256.
 * `where` prefixes errors (`Dockerfile:3`); an `expected` checksum that does not match fails.
 */
export async function downloadUrl(url: string, dir: string, where: string, expected: string | undefined, signal: AbortSignal): Promise<DownloadedFile> {
  // undici is loaded by the builds that download something, not by every COPY.
  // undici is CommonJS: where it is bundled, a dynamic import yields its exports as `default`.
  const loaded = await import('undici');
  const { Agent, fetch } = (typeof loaded.Agent === 'function' ? loaded : loaded.default) as typeof loaded;
  agent ??= new Agent({ headersTimeout: IDLE_TIMEOUT_MS, bodyTimeout: IDLE_TIMEOUT_MS });
  const failed = (error: unknown): unknown => {
    if (signal.aborted) return signal.reason;
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return new TsbuildError('NOT_FOUND', `${where}: cannot download ${url}: ${cause ?? (error as Error).message}`, { cause: error });
  };
  const response = await fetch(url, { dispatcher: agent, signal }).catch((error: unknown) => {
    throw failed(error);
  });
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new TsbuildError('NOT_FOUND', `${where}: cannot download ${url}: HTTP ${response.status}`);
  }
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, path.posix.basename(new URL(url).pathname) || '__unnamed__');
  const hashing = new HashingStream();
  await pipeline(Readable.fromWeb(response.body), hashing, createWriteStream(file, { mode: 0o600 }), { signal }).catch((error: unknown) => {
    throw failed(error);
  });
  const digest = hashing.digest;
  if (expected && expected !== digest) {
    throw new TsbuildError('DIGEST_MISMATCH', `${where}: ${url}: checksum mismatch: expected ${expected}, got ${digest}`);
  }
  const modified = new Date(response.headers.get('last-modified') ?? NaN);
  if (Number.isNaN(modified.getTime())) return { path: file, digest };
  await utimes(file, modified, modified);
  return { path: file, digest, lastModified: modified };
}

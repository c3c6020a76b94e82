// Content hashes of a context's files: a stat-cache hit costs nothing, a miss is read with sync
// open/read/close into one pooled buffer (measured ~10x faster than fs.promises per small file).
import { closeSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { TsbuildError } from '../errors.js';
import type { ContextEntry } from '../context/context.js';
import type { StatCache } from '../context/stat-cache.js';

/** Returns the hex sha256 of a file's content; injectable so tests can count reads. */
export type ContentHasher = (absPath: string) => string;

export interface HashOptions {
  statCache?: StatCache;
  hashFile?: ContentHasher;
}

const CHUNK = 1024 * 1024;
let pooled: Buffer | undefined;

/** Sets `sha256` on every file entry (in place) and returns the same array. */
export function hashContextFiles(contextDir: string, entries: ContextEntry[], options: HashOptions = {}): ContextEntry[] {
  const root = path.resolve(contextDir);
  const hashFile = options.hashFile ?? sha256OfFile;
  const cache = options.statCache;
  for (const entry of entries) {
    if (entry.type !== 'file' || entry.sha256 !== undefined) continue;
    const absPath = path.join(root, entry.path);
    const cached = cache?.lookup(absPath, entry);
    if (cached !== undefined) {
      entry.sha256 = cached;
      continue;
    }
    const hashedAtNs = cache?.now();
    entry.sha256 = hashFile(absPath);
    if (cache !== undefined && hashedAtNs !== undefined) cache.record(absPath, entry, entry.sha256, hashedAtNs);
  }
  return entries;
}

/** Hex sha256 of a file's bytes, read synchronously in 1 MiB chunks. */
export function sha256OfFile(absPath: string): string {
  pooled ??= Buffer.allocUnsafe(CHUNK);
  const hash = createHash('sha256');
  let fd: number;
  try {
    fd = openSync(absPath, 'r');
  } catch (error) {
    throw new TsbuildError('NOT_FOUND', `cannot read build context file: ${(error as Error).message}`, { cause: error });
  }
  try {
    for (let n = readSync(fd, pooled, 0, CHUNK, null); n > 0; n = readSync(fd, pooled, 0, CHUNK, null)) {
      hash.update(pooled.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

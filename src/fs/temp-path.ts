// Names for temp files written beside their destination and renamed into place. The pid alone
// is not unique: two writers in one process (two platforms exporting a shared layer) collide.
// The owner token lets a sweep remove the temps of a killed process at once (owner.ts).
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ownerToken } from '../fs/owner.js';

/** `<dir>/.<name>.<owner token>.<random>.tmp`: beside `path` (same file system, so rename is atomic). */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${ownerToken()}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes `path` (a file or a directory) through a temp path beside it, renamed onto `path` only when
 * `write` succeeds: a failed or interrupted export never leaves a partial file, and an existing
 * file stays as it was until the new one is complete.
 */
export async function writeAtomically<T>(path: string, write: (temp: string) => Promise<T>): Promise<T> {
  const temp = tempPathBeside(path);
  try {
    const result = await write(temp);
    await rename(temp, path);
    return result;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

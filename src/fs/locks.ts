// Cross-process exclusive locks on files, held by a child `tsbuild-fsutil lock` process.
//
// Why flock through a child rather than O_EXCL lock files: the kernel releases a flock when its
// holder dies, so a crashed or SIGKILLed tsbuild never leaves a stale lock, and there is no
// pid-reuse or stale-lock-breaking race to get wrong. Node has no flock(2) binding, so a tiny
// child of tsbuild's native helper holds it; the child exits (releasing the lock) as soon as its stdin
// closes, which also happens when the parent dies. Costs one fork+exec (~3 ms) per lock; locks
// guard rare metadata updates (image names), never per-blob work.
import { once } from 'node:events';
import { TsbuildError } from '../errors.js';
import { fsutilError, spawnLockHolder } from '../fs/native.js';

export interface FileLock {
  release(): Promise<void>;
}

/**
 * Acquires a lock on `path` (created if missing), waiting for other holders: exclusive by default,
 * or shared (any number of shared holders, but never beside an exclusive one).
 */
export async function acquireFileLock(path: string, options: { shared?: boolean } = {}): Promise<FileLock> {
  const child = spawnLockHolder(path, options.shared);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('error', (error) => reject(fsutilError(`lock ${path}`, error)));
    child.once('exit', (code) => reject(lockError(path, `the lock holder exited with ${code}: ${stderr.trim()}`)));
  });
  await locked;
  return {
    async release() {
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}

/** Runs `action` while holding the lock on `path`. */
export async function withFileLock<T>(path: string, action: () => Promise<T>, options: { shared?: boolean } = {}): Promise<T> {
  const lock = await acquireFileLock(path, options);
  try {
    return await action();
  } finally {
    await lock.release();
  }
}

function lockError(path: string, detail: string): TsbuildError {
  return new TsbuildError('STORE', `cannot lock ${path}: ${detail}`);
}

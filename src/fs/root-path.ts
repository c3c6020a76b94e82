// Resolving a path inside a root directory on the host as a chroot would: the one home of this
// rule for layers, COPY, mount sources and `tsbuild run` (symlinks never lead out of the root).
import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import { TsbuildError } from '../errors.js';

const MAX_SYMLINKS = 255;

/**
 * Resolves `relPath` inside `root` like a chroot would: symlinks met on the way are followed with
 * `root` as `/`, and `..` stops at the root, so the result is always `root` or below it.
 * The last component is followed only when `followFinal` is set.
 */
export function resolveInRoot(root: string, relPath: string, followFinal = false): string {
  const pending = splitComponents(relPath);
  const resolved: string[] = [];
  let symlinks = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = posix.join(root, ...resolved, part);
    const isLast = pending.length === 0;
    const target = isLast && !followFinal ? undefined : readSymlink(candidate);
    if (target === undefined) {
      resolved.push(part);
      continue;
    }
    if (++symlinks > MAX_SYMLINKS) {
      throw new TsbuildError('STORE', `too many levels of symbolic links resolving "${relPath}" in ${root}`);
    }
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...splitComponents(target));
  }
  return posix.join(root, ...resolved);
}

function splitComponents(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

function readSymlink(path: string): string | undefined {
  try {
    if (!lstatSync(path).isSymbolicLink()) return undefined;
    return readlinkSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

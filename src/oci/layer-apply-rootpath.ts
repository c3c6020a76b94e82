// Path safety for writing into a root directory: clean tar names and resolve symlinks as if chrooted.
import { posix } from 'node:path';
import { TsbuildError } from '../errors.js';
import { resolveInRoot } from '../fs/index.js';

export { resolveInRoot };

/**
 * Cleans an archive entry name into a relative path inside the root (`a/b`), or '' for the root.
 * A name that climbs out of the root (`../etc/passwd`, `a/../../x`) is rejected.
 */
export function cleanEntryName(name: string): string {
  const trimmed = name.replace(/^\/+/, '');
  const cleaned = posix.normalize(trimmed === '' ? '.' : trimmed).replace(/\/+$/, '');
  if (cleaned === '..' || cleaned.startsWith('../')) {
    throw new TsbuildError('STORE', `unsafe path in archive: "${name}" escapes the target directory`);
  }
  return cleaned === '.' ? '' : cleaned;
}

/** Resolves the parent directories of `relPath` inside `root`, keeping the last name as it is. */
export function resolveParentInRoot(root: string, relPath: string): string {
  const parent = posix.dirname(relPath);
  const base = posix.basename(relPath);
  const resolvedParent = parent === '.' ? root : resolveInRoot(root, parent, true);
  return posix.join(resolvedParent, base);
}

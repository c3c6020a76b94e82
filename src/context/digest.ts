// One sha256 over a COPY/ADD selection, covering exactly what the copy reproduces: relative paths,
// types, content digests, modes (after --chmod), uid/gid as copied (--chown, else 0:0 like
// Docker), symlink targets and which names matched. Timestamps are deliberately left out.
import { createHash } from 'node:crypto';
import { TsbuildError } from '../errors.js';
import { digestOfHash, type Digest } from '../spec/index.js';
import type { ContextEntry } from '../context/context.js';
import type { SourceSelection } from '../context/select.js';

export interface CopyOwnership {
  /** `--chown=uid:gid`, already resolved to numbers; files are owned by 0:0 without it. */
  chown?: { uid: number; gid: number };
  /**
   * `--chmod`: a number (0o755) or a mode change like the executor's symbolic `u+x` parser
   * (`(mode, isDirectory) => mode`); applies to files and directories, not symlinks.
   */
  chmod?: number | ((mode: number, isDirectory: boolean) => number);
}

/** The digest of a selection; every file entry must have been hashed (`hashContextFiles`). */
export function contentDigest(selected: SourceSelection | readonly ContextEntry[], options: CopyOwnership = {}): Digest {
  const hash = createHash('sha256');
  const entries = isSelection(selected) ? selected.entries : selected;
  if (isSelection(selected)) {
    for (const root of selected.roots) hash.update(`${JSON.stringify(['root', root.pattern, root.matchedPath, root.entry.path])}\n`);
  }
  for (const entry of entries) hash.update(`${JSON.stringify(describe(entry, options))}\n`);
  return digestOfHash(hash);
}

function describe(entry: ContextEntry, { chown, chmod }: CopyOwnership): (string | number)[] {
  const uid = chown?.uid ?? 0;
  const gid = chown?.gid ?? 0;
  switch (entry.type) {
    case 'file':
      if (entry.sha256 === undefined) throw new TsbuildError('INTERNAL', `contentDigest: ${entry.path} was not hashed`);
      return [entry.path, 'file', modeAfter(entry.mode, false, chmod), uid, gid, entry.sha256];
    case 'dir':
      return [entry.path, 'dir', modeAfter(entry.mode, true, chmod), uid, gid, ''];
    case 'symlink':
      return [entry.path, 'symlink', 0o777, uid, gid, entry.linkTarget ?? ''];
    default: {
      const unhandled: never = entry.type;
      return unhandled;
    }
  }
}

function modeAfter(mode: number, isDirectory: boolean, chmod: CopyOwnership['chmod']): number {
  if (chmod === undefined) return mode;
  return (typeof chmod === 'number' ? chmod : chmod(mode, isDirectory)) & 0o7777;
}

function isSelection(x: SourceSelection | readonly ContextEntry[]): x is SourceSelection {
  return !Array.isArray(x);
}

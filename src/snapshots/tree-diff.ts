// Copy-fallback diff: compares a changed rootfs with its lower tree and writes an overlay-style upper dir.
import {
  chownSync, chmodSync, lstatSync, mkdirSync, readdirSync, readlinkSync, utimesSync, type BigIntStats,
} from 'node:fs';
import { join, posix } from 'node:path';
import { makeNode } from '../oci/index.js';
import { runCp } from '../snapshots/copy-fallback.js';

export interface TreeDiffSummary {
  /** Entries copied into the diff (added or changed, directories whose metadata changed included). */
  changed: string[];
  /** Deleted paths, written as 0/0 character devices like overlayfs whiteouts. */
  deleted: string[];
}

const CP_BATCH = 500;

/**
 * Writes into `out` what overlayfs would have left in an upper dir for the change from `lower` to
 * `upper`: changed and new entries (with their parent directories) and whiteouts for deletions.
 * Files are compared by type, mode, owner, size, mtime (ns), device number and link target;
 * directories by type, mode and owner only, as their mtime moves with any change inside them.
 */
export function diffTrees(lower: string, upper: string, out: string): TreeDiffSummary {
  const summary: TreeDiffSummary = { changed: [], deleted: [] };
  const copies: string[] = [];
  const changedDirs: string[] = [];
  compareDir(lower, upper, '', { summary, copies, changedDirs });
  mkdirSync(out, { recursive: true });
  for (let i = 0; i < copies.length; i += CP_BATCH) {
    runCp(['-a', '--reflink=auto', '--parents', '--', ...copies.slice(i, i + CP_BATCH), out], upper);
  }
  for (const rel of changedDirs) ensureOutDir(upper, out, rel);
  for (const rel of summary.deleted) {
    ensureOutDir(upper, out, posix.dirname(rel));
    makeNode(join(out, rel), 'char', 0, 0);
  }
  restoreDirTimes(upper, out, '');
  return summary;
}

interface DiffState {
  summary: TreeDiffSummary;
  copies: string[];
  changedDirs: string[];
}

function compareDir(lower: string, upper: string, rel: string, state: DiffState): void {
  const newNames = new Set(readdirSync(join(upper, rel)));
  const oldNames = readdirSync(join(lower, rel));
  for (const name of oldNames) {
    if (!newNames.has(name)) state.summary.deleted.push(join(rel, name));
  }
  for (const name of [...newNames].sort()) {
    const childRel = rel === '' ? name : `${rel}/${name}`;
    const current = lstatSync(join(upper, childRel), { bigint: true });
    const previous = lstatOrUndefined(join(lower, childRel));
    if (previous && sameType(previous, current) && current.isDirectory()) {
      if (!sameOwnerAndMode(previous, current)) {
        state.changedDirs.push(childRel);
        state.summary.changed.push(childRel);
      }
      compareDir(lower, upper, childRel, state);
    } else if (!previous || !sameType(previous, current) || !sameEntry(lower, upper, childRel, previous, current)) {
      state.copies.push(childRel);
      state.summary.changed.push(childRel);
    }
  }
}

function sameType(a: BigIntStats, b: BigIntStats): boolean {
  return (a.mode & 0o170000n) === (b.mode & 0o170000n);
}

function sameOwnerAndMode(a: BigIntStats, b: BigIntStats): boolean {
  return a.mode === b.mode && a.uid === b.uid && a.gid === b.gid;
}

function sameEntry(lower: string, upper: string, rel: string, a: BigIntStats, b: BigIntStats): boolean {
  if (!sameOwnerAndMode(a, b) || a.size !== b.size || a.mtimeNs !== b.mtimeNs || a.rdev !== b.rdev) return false;
  if (a.isSymbolicLink()) return readlinkSync(join(lower, rel)) === readlinkSync(join(upper, rel));
  return true;
}

/** Creates `rel` and its missing parents in `out` with the metadata they have in `upper`. */
function ensureOutDir(upper: string, out: string, rel: string): void {
  if (rel === '.' || rel === '') return;
  ensureOutDir(upper, out, posix.dirname(rel));
  const source = lstatSync(join(upper, rel));
  const target = join(out, rel);
  mkdirSync(target, { recursive: true });
  chownSync(target, source.uid, source.gid);
  chmodSync(target, source.mode & 0o7777);
}

function restoreDirTimes(upper: string, out: string, rel: string): void {
  for (const entry of readdirSync(join(out, rel), { withFileTypes: true })) {
    if (entry.isDirectory()) restoreDirTimes(upper, out, rel === '' ? entry.name : `${rel}/${entry.name}`);
  }
  const source = lstatSync(join(upper, rel));
  utimesSync(join(out, rel), source.atime, source.mtime);
}

function lstatOrUndefined(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

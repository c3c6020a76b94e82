// Seeds a writable view's upper dir with an earlier snapshot of the same step, so that a step
// which writes mostly what it wrote last time (a COPY after a one-file edit) makes no new inode
// for an unchanged file: files and symlinks are hard links of the snapshot's, directories are
// made again with the snapshot's metadata. Inodes are what cost there: on an ext4 without a
// journal each allocation skips every inode deleted in the last minute, so writing 10k files
// after a big delete took 10-20 s. Snapshots are lower dirs, never written in place, so sharing
// inodes with one is safe as long as the step replaces (never modifies) a seeded file.
import { chmodSync, linkSync, lstatSync, lutimesSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dumpTreeXattrsSync, lchownInNamespace, opaqueXattr } from '../fs/index.js';

/**
 * Fills the (new) `upper` from snapshot dir `seed`. Returns false, leaving no `upper`, when the
 * seed holds anything but plain files, directories and symlinks (whiteouts, devices, opaque
 * directories: such a diff is not the same when merely linked) or a link fails.
 */
export function seedUpperDir(seed: string, upper: string): boolean {
  if (!plainTree(seed) || [...dumpTreeXattrsSync(seed).values()].some((attrs) => attrs.has(opaqueXattr()))) return false;
  mkdirSync(upper, { recursive: true });
  try {
    linkTree(seed, upper);
  } catch {
    // e.g. EMLINK after very many builds sharing one file: the step simply writes everything.
    rmSync(upper, { recursive: true, force: true });
    return false;
  }
  return true;
}

function plainTree(dir: string): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!plainTree(join(dir, entry.name))) return false;
    } else if (!entry.isFile() && !entry.isSymbolicLink()) return false;
  }
  return true;
}

function linkTree(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      mkdirSync(target);
      linkTree(source, target);
    } else linkSync(source, target);
  }
  const stats = lstatSync(from);
  lchownInNamespace(to, stats.uid, stats.gid);
  chmodSync(to, stats.mode & 0o7777);
  lutimesSync(to, stats.atime, stats.mtime);
}

// A rootfs view as a plain copied tree, for hosts where overlayfs cannot be mounted.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyTree, mergeSnapshots } from '../snapshots/copy-fallback.js';
import { removeView } from '../snapshots/prepare-overlay.js';
import type { PreparedRootfs } from '../snapshots/prepared.js';
import { diffTrees } from '../snapshots/tree-diff.js';

/**
 * Merges the snapshots into `base/lower`; a writable view gets its own copy in `base/rootfs` so the
 * pristine lower tree stays for the diff. A read-only view is the merged tree itself.
 */
export function prepareCopiedRootfs(base: string, lowerdirs: readonly string[], writable: boolean): PreparedRootfs {
  const lower = join(base, 'lower');
  mkdirSync(lower, { recursive: true });
  let rootfs = lower;
  try {
    mergeSnapshots(lowerdirs, lower);
    if (writable) {
      rootfs = join(base, 'rootfs');
      mkdirSync(rootfs);
      copyTree(lower, rootfs);
    }
  } catch (error) {
    rmSync(base, { recursive: true, force: true });
    throw error;
  }
  let cleaned = false;
  return {
    kind: 'copy',
    rootfs,
    upperdir: undefined,
    workdir: undefined,
    lowerCopy: writable ? lower : undefined,
    base,
    cleanup() {
      if (cleaned) return;
      removeView(base);
      cleaned = true;
    },
  };
}

/** Builds (once) `base/diff`, the upper-style directory of the changes made in the rootfs. */
export function diffCopiedRootfs(prepared: PreparedRootfs): string {
  if (!prepared.lowerCopy) throw new RangeError('diffRootfs needs a writable rootfs');
  const out = join(prepared.base, 'diff');
  rmSync(out, { recursive: true, force: true });
  diffTrees(prepared.lowerCopy, prepared.rootfs, out);
  return out;
}

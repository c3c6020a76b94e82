// What killed tsbuild processes leave under a root, removed by the next build: unpack temp dirs
// and rootfs views (unmounted first), `copy-*`/`run-*` scratch dirs, partial blobs and the temp
// files of records, memos and cache mounts. Every such entry is named with its owner's token
// (src/oci/owner.ts), so entries of a live process, such as a build running beside this one, are
// never touched, and a dead one's go at once instead of after an age limit.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { DiskContentStore } from '../oci/disk-store.js';
import { isLeftover } from '../oci/owner.js';
import type { RootLayout } from '../oci/root.js';
import { ageMs, type SnapshotStore } from './snapshots.js';
import { removeView } from './snapshots-prepare-overlay.js';

/** Directories that hold temp files written beside their target (`.<name>.<owner>.<random>.tmp`). */
function besideTempDirs(layout: RootLayout): string[] {
  return ['compressed', 'records', 'identities', 'mounts'].map((dir) => path.join(layout.cache, dir));
}

export async function sweepLeftovers(layout: RootLayout, snapshots: SnapshotStore, store: DiskContentStore): Promise<string[]> {
  const removed = snapshots.sweep().removed;
  for (const name of list(layout.tmp)) {
    const entry = path.join(layout.tmp, name);
    if (!/^(copy|run)-/.test(name) || !isLeftover(name, ageMs(entry))) continue;
    removeView(entry); // never deletes through a mount left inside
    removed.push(entry);
  }
  await store.removeStaleTemps();
  for (const dir of besideTempDirs(layout)) {
    for (const name of list(dir).filter((n) => n.startsWith('.') && n.endsWith('.tmp'))) {
      const entry = path.join(dir, name);
      if (!isLeftover(name, ageMs(entry))) continue;
      removeView(entry);
      removed.push(entry);
    }
  }
  return removed;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

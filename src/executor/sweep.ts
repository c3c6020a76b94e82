// What killed tsbuild processes leave under a root, removed by the next build: unpack temp dirs
// and rootfs views (unmounted first), `copy-*`/`run-*` scratch dirs, partial blobs, the temp
// files of records, memos and cache mounts, containers of a killed `tsbuild run`, dead leases. Every such entry is named with its owner's token
// (src/fs/owner.ts), so entries of a live process, such as a build running beside this one, are
// never touched, and a dead one's go at once instead of after an age limit.
import { readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DiskContentStore, RootLayout } from '../oci/index.js';
import { removeDeadLeases } from '../oci/index.js';
import { isLeftover, ownerState } from '../fs/index.js';
import { ageMs, type SnapshotStore, removeView } from '../snapshots/index.js';
import { parseJsonObject } from '../spec/index.js';

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
  removed.push(...sweepDeadContainers(layout.root), ...(await removeDeadLeases(layout)));
  return removed;
}

/**
 * Containers whose `tsbuild run` was killed: state `running` with a dead owner (state.json's
 * `owner` token). Those started with `--rm` are removed with their name, the others marked `dead`
 * (Docker's word for it). Layout: `<root>/containers/<id>`, names as `containers/names/<name>`.
 */
export function sweepDeadContainers(root: string): string[] {
  const base = path.join(root, 'containers');
  const swept: string[] = [];
  for (const id of list(base).filter((name) => name !== 'names')) {
    const stateFile = path.join(base, id, 'state.json');
    let state: Record<string, unknown>;
    try {
      state = parseJsonObject(readFileSync(stateFile), { where: stateFile }, 'container state');
    } catch {
      continue;
    }
    const owner = state['owner'];
    if (state['status'] !== 'running' || typeof owner !== 'string' || !owner || ownerState(owner) !== 'dead') continue;
    if (state['rm'] === true) {
      rmSync(path.join(base, id), { recursive: true, force: true });
      const name = state['name'];
      const nameLink = typeof name === 'string' && name ? path.join(base, 'names', name) : undefined;
      if (nameLink && readLink(nameLink) === id) rmSync(nameLink, { force: true });
    } else {
      writeFileSync(stateFile, `${JSON.stringify({ ...state, status: 'dead' }, null, 2)}\n`);
    }
    swept.push(path.join(base, id));
  }
  return swept;
}

function readLink(link: string): string | undefined {
  try {
    return readlinkSync(link);
  } catch {
    return undefined;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

// The root's upkeep: prune, cache disk usage, store verify.
import { diskUsage, type DiskUsage, prune as pruneRoot, type PruneReport, parseSize } from '../cache/index.js';
import { verifyStore as verify, type VerifyStoreOptions, type VerifyStoreReport } from '../executor/index.js';
import { listContainerRecords } from '../container/index.js';
import { directoryBytes } from '../fs/index.js';
import type { RootOptions } from './options.js';
import { openStores } from './stores.js';

export type { DiskUsage, PruneReport, VerifyStoreOptions, VerifyStoreReport };
export type { ProblemKind, StoreProblem } from '../executor/index.js';

export interface PruneOptions extends RootOptions {
  /** Remove every build cache record and cache mount. */
  all?: boolean;
  /** Keep the most recently used cache up to this size: bytes, or a size such as `10GB`. */
  keepStorage?: number | string;
  /** Remove cache not used for this many milliseconds. */
  olderThanMs?: number;
}

/** Removes build cache, and blobs and snapshots no image needs. */
export async function prune(options: PruneOptions = {}): Promise<PruneReport> {
  const keepBytes = typeof options.keepStorage === 'string' ? parseSize(options.keepStorage) : options.keepStorage;
  const { layout, store, names } = await openStores(options);
  return pruneRoot(layout, store, names, { all: options.all, keepBytes, olderThanMs: options.olderThanMs });
}

export interface RootDiskUsage extends DiskUsage {
  /** Containers (`tsbuild run` without `--rm`): their upper dirs, volumes and logs. */
  containers: { stopped: number; running: number; bytes: number };
}

/** What the root holds: images, build cache, unreferenced blobs, snapshots, cache mounts, containers. */
export async function cacheDiskUsage(options: RootOptions = {}): Promise<RootDiskUsage> {
  const { layout, store, names } = await openStores(options);
  const containers = { stopped: 0, running: 0, bytes: 0 };
  for (const record of listContainerRecords(layout.root)) {
    containers[record.status === 'running' ? 'running' : 'stopped']++;
    containers.bytes += directoryBytes(record.dir);
  }
  return { ...(await diskUsage(layout, store, names)), containers };
}

/** Sweeps leftovers of killed tsbuild processes, then checks (and with `repair` fixes) the store. */
export function verifyStore(options: VerifyStoreOptions = {}): Promise<VerifyStoreReport> {
  return verify(options);
}

export { parseSize };

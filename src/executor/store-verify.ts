// `tsbuild store verify`: sweeps what killed processes left (as every command does when it opens
// the root), then checks the store: every blob matches its digest, every cache record's layer and
// every name's manifest is stored, and no mounts, processes or secrets of dead builds remain.
// `repair` removes the damage found (corrupt blobs, broken records and names, stray mounts,
// orphaned processes, leaked secrets) instead of only reporting it.
import { rm } from 'node:fs/promises';
import { DiskContentStore, ImageNames, openRoot, resolveRoot } from '../oci/index.js';
import { isDigest } from '../spec/index.js';
import { unmount, SnapshotStore } from '../snapshots/index.js';
import {
  checkBlobs, checkMounts, checkNames, checkProcesses, checkRecords, checkSecrets, type StoreProblem,
} from './store-verify-checks.js';
import { sweepLeftovers } from './sweep.js';

export type { ProblemKind, StoreProblem } from './store-verify-checks.js';

export interface VerifyStoreOptions {
  /** Default `$TSBUILD_ROOT` or the user's default root. */
  root?: string;
  /** Remove what is damaged instead of only reporting it. */
  repair?: boolean;
}

export interface VerifyStoreReport {
  root: string;
  counts: { blobs: number; records: number; names: number };
  /** Leftovers of killed processes removed before checking (temps, scratch dirs, views, leases). */
  swept: string[];
  /** What is wrong and was not repaired: the store is sound when this is empty. */
  problems: StoreProblem[];
  /** What `repair` removed. */
  repaired: StoreProblem[];
}

export async function verifyStore(options: VerifyStoreOptions = {}): Promise<VerifyStoreReport> {
  const layout = await openRoot(options.root ?? resolveRoot());
  const store = await DiskContentStore.open(layout.root);
  const names = new ImageNames(layout);
  const swept = await sweepLeftovers(layout, new SnapshotStore(layout.root), store);
  const blobs = await checkBlobs(layout);
  const records = await checkRecords(layout, store);
  const named = await checkNames(store, names);
  const found = [...blobs.problems, ...records.problems, ...named.problems, ...checkMounts(layout), ...checkProcesses(layout), ...checkSecrets(layout)];
  const repaired: StoreProblem[] = [];
  const problems: StoreProblem[] = [];
  for (const problem of found) {
    if (options.repair && (await repair(problem, store, names))) repaired.push(problem);
    else problems.push(problem);
  }
  return { root: layout.root, counts: { blobs: blobs.count, records: records.count, names: named.count }, swept, problems, repaired };
}

async function repair(problem: StoreProblem, store: DiskContentStore, names: ImageNames): Promise<boolean> {
  switch (problem.kind) {
    case 'blob':
      if (isDigest(problem.subject)) await store.delete(problem.subject);
      else await rm(problem.subject, { force: true });
      return true;
    case 'record':
    case 'secrets':
      await rm(problem.subject, { recursive: true, force: true });
      return true;
    case 'name':
      return !problem.subject.startsWith('<untagged') && (await names.remove(problem.subject)) !== undefined;
    case 'mount':
      unmount(problem.subject);
      return true;
    case 'process':
      try {
        process.kill(Number(problem.subject), 'SIGKILL');
      } catch {
        // already gone
      }
      return true;
    default: {
      const unhandled: never = problem.kind;
      return unhandled;
    }
  }
}

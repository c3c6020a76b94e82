// Everything the step runners of one build share: the stores under the root, the options, the
// progress sink, base images, the scanned build context and the step results so far.
import path from 'node:path';
import type { ContextEntry } from '../context/context.js';
import { CacheRecordStore, type StepResultRecord } from '../cache/records.js';
import type { ImportedCacheMount, ImportedRecord } from './cache-io.js';
import { StatCache } from '../context/stat-cache.js';
import { DiskContentStore } from '../oci/disk-store.js';
import { ImageNames } from '../oci/image-names.js';
import { Lease } from '../oci/leases.js';
import { openRoot, resolveRoot, type RootLayout } from '../oci/root.js';
import type { BuildPlan, StepId } from '../planner/types.js';
import type { SandboxBackend } from '../runtime-shim/backend.js';
import { BaseImages } from './base-images.js';
import type { BuildEvent, EventSink } from './events.js';
import type { BuildOptions } from './options.js';
import { SnapshotStore } from '../snapshots/store.js';
import { sweepLeftovers } from './sweep.js';
import type { StepResult } from './step-result.js';
import { defaultDockerfilePath } from '../planner/dockerfile-path.js';

export interface BuildSession {
  options: BuildOptions;
  layout: RootLayout;
  /** What this build uses (records, snapshots, cache mounts, blobs), kept from GC until it ends. */
  lease: Lease;
  store: DiskContentStore;
  names: ImageNames;
  snapshots: SnapshotStore;
  records: CacheRecordStore;
  baseImages: BaseImages;
  contextDir: string;
  dockerfilePath: string;
  emit: EventSink;
  /** ISO time stamped into history and config (`SOURCE_DATE_EPOCH` when given). */
  created: string;
  /** Filled in as the plan is known. */
  plan?: BuildPlan;
  stepNames: Map<StepId, string>;
  results: Map<StepId, StepResult>;
  /** The context's non-ignored entries, file hashes filled lazily; scanned on first use. */
  contextEntries(): Promise<ContextEntry[]>;
  /** The sandbox backend, chosen on first RUN. */
  sandbox(): Promise<SandboxBackend>;
  /** The root's stat cache (path + stat -> content hash), saved when the build ends. */
  statCache(): StatCache;
  /** Writes the stat cache back, if this build loaded it. */
  saveStatCache(): void;
  /** Cache records this build used or wrote, by key (what --cache-to exports). */
  usedRecords: Map<string, StepResultRecord>;
  /** Records imported with --cache-from, by key. */
  importedRecords: Map<string, ImportedRecord>;
  /** Cache mount directories used by this build, by id (for `cache-mounts=true`). */
  usedCacheMounts: Map<string, string>;
  /** Cache mount contents imported with --cache-from, by id. */
  importedCacheMounts: Map<string, ImportedCacheMount>;
}

export async function openSession(options: BuildOptions, created: string): Promise<BuildSession> {
  const layout = await openRoot(options.root ?? resolveRoot());
  const store = await DiskContentStore.open(layout.root);
  const names = new ImageNames(layout);
  const emit: EventSink = (event: BuildEvent) => options.onEvent?.(event);
  const contextDir = path.resolve(options.context);
  const dockerfilePath = path.resolve(options.dockerfile ?? defaultDockerfilePath(contextDir));
  const snapshots = new SnapshotStore(layout.root, { onWarning: (message) => emit({ type: 'warning', message }) });
  // What a killed build left (mounted views, scratch dirs, half-unpacked layers, temp blobs) goes first.
  await sweepLeftovers(layout, snapshots, store);
  const lease = await Lease.create(layout);
  let scanned: Promise<ContextEntry[]> | undefined;
  let statCache: StatCache | undefined;
  let backend: Promise<SandboxBackend> | undefined;
  return {
    options,
    layout,
    lease,
    store,
    names,
    snapshots,
    records: CacheRecordStore.at(layout.root),
    baseImages: new BaseImages({ store, names, lease, pull: options.pull ?? false, onEvent: emit }),
    contextDir,
    dockerfilePath,
    emit,
    created,
    stepNames: new Map(),
    results: new Map(),
    contextEntries: () => (scanned ??= scanContextOnce(contextDir, dockerfilePath)),
    // Loaded on the first context hash: builds that copy nothing from the context never read it.
    statCache: () => (statCache ??= StatCache.forRoot(layout.root)),
    saveStatCache: () => statCache?.save(),
    usedRecords: new Map(),
    importedRecords: new Map(),
    usedCacheMounts: new Map(),
    importedCacheMounts: new Map(),
    sandbox: () =>
      (backend ??= import('../runtime-shim/select.js').then(({ selectBackend }) => selectBackend(options.runtime ?? 'auto'))),
  };
}

/** Walks the context once; files are hashed later, only those a step selects. */
async function scanContextOnce(contextDir: string, dockerfilePath: string): Promise<ContextEntry[]> {
  const { loadIgnoreRules } = await import('../context/dockerignore.js');
  const { walkContext } = await import('../context/context.js');
  const matcher = await loadIgnoreRules(contextDir, dockerfilePath);
  return walkContext(contextDir, matcher);
}

/** Hashes the given context entries through the root's persistent stat cache. */
export async function hashSelected(session: BuildSession, entries: ContextEntry[]): Promise<void> {
  const { hashContextFiles } = await import('../context/hash.js');
  hashContextFiles(session.contextDir, entries, { statCache: session.statCache() });
}

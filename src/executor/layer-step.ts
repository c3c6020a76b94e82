// Runs a step that changes the filesystem (RUN, COPY, ADD, WORKDIR): looks its cache key up,
// and on a miss applies the change in a writable rootfs over the parent's snapshots and stores
// the difference as a new layer.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { explainMiss } from '../cache/explain.js';
import { cacheKey, type CacheKeyParts } from '../cache/keys.js';
import type { CacheRecord, StepResultRecord } from '../cache/records.js';
import { TsbuildError } from '../errors.js';
import { digestHex } from '../oci/digest.js';
import { writeLayer } from '../oci/layer.js';
import type { LeaseItem } from '../oci/leases.js';
import type { Digest } from '../oci/types.js';
import type { Step } from '../planner/types.js';
import { applyLayer, historyFor } from './image-config.js';
import type { BuildSession } from './session.js';
import { unmount } from '../snapshots/overlay.js';
import { chainIds } from '../snapshots/store.js';
import type { PreparedRootfs } from '../snapshots/prepared.js';
import type { LayerRef, StepResult } from './step-result.js';

/** What a layer step reads beyond its definition and inputs, and how it changes the rootfs. */
export interface LayerChange {
  /** Named content digests of what the step reads (`context`, `url:...`), for the cache key. */
  contents: Record<string, string>;
  /** Per-path digests of context files read, to name changed files on a cache miss. */
  fileDigests?: Record<string, string>;
  /**
   * `mounted`: the change is applied to a rootfs directory tsbuild mounts (COPY, WORKDIR).
   * `overlay`: the sandbox mounts the overlay itself from these directories (RUN), so that
   * mount points and /etc files it creates stay out of the upper dir.
   */
  apply(target: RootfsTarget, signal: AbortSignal): Promise<void>;
  target: 'mounted' | 'overlay';
  /**
   * COPY --link: the change is made on an empty rootfs and its key leaves the parent out, so the
   * layer is reused whatever it is stacked on (a rebuilt base keeps the cache).
   */
  independentOfParent?: boolean;
}

export type RootfsTarget =
  | { kind: 'mounted'; rootfs: PreparedRootfs }
  | { kind: 'overlay'; lowerdirs: string[]; upperdir: string; workdir: string };

export async function runLayerStep(
  session: BuildSession,
  step: Step,
  change: LayerChange,
  signal: AbortSignal,
): Promise<StepResult> {
  const parent = parentResult(session, step);
  const parts: CacheKeyParts = {
    definition: definitionOf(step),
    inputKeys: (change.independentOfParent ? step.inputs.slice(1) : step.inputs).map((id) => resultOf(session, id).key),
    contents: change.contents,
  };
  const key = cacheKey(parts);
  // What later steps build on is this layer *on its parent*: for --link that differs from the
  // record's own key, which leaves the parent out.
  const stackKey = change.independentOfParent ? cacheKey({ definition: 'stacked', inputKeys: [parent.key, key], contents: {} }) : key;
  const label = { stepId: step.id, name: session.stepNames.get(step.id) ?? step.instruction, line: step.range?.start.line };
  const identity = identityOf(session, step);
  const history = historyFor(step, session.created);

  const hit = useCache(session, step) ? await reusable(session, key, { identity, parts }) : undefined;
  if (hit) {
    session.usedRecords.set(key, hit.result);
    if ((await session.records.lastKeyFor(identity)) !== key) {
      await session.records.remember(identity, key);
    }
    session.emit({ type: 'step.cached', ...label });
    return { ...resultFrom(parent, stackKey, hit.result, history), recordKey: key };
  }
  if (session.options.explainCache) {
    const previousKey = await session.records.lastKeyFor(identity);
    const previous = previousKey ? await session.records.get(previousKey) : undefined;
    const inputNames = step.inputs.map((id) => session.stepNames.get(id) ?? id);
    session.emit({ type: 'cache.miss', ...label, reasons: explainMiss({ parts, fileDigests: change.fileDigests, inputNames }, previous) });
  }
  session.emit({ type: 'step.started', ...label });
  const started = Date.now();
  try {
    const layer = await buildLayer(session, parent, change, signal);
    const result: StepResultRecord = {
      diffIds: [...parent.config.rootfs.diff_ids, layer.diffId],
      layer: { ...layer.descriptor, diffId: layer.diffId },
    };
    const record: CacheRecord = { key, identity, parts, fileDigests: change.fileDigests, result, createdAt: new Date().toISOString() };
    await session.records.put(record);
    await leaseNewLayer(session, key, parent, layer);
    session.usedRecords.set(key, result);
    session.emit({ type: 'step.done', ...label, durationMs: Date.now() - started });
    return { ...resultFrom(parent, stackKey, result, history), recordKey: key };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    session.emit({ type: 'step.failed', ...label, durationMs: Date.now() - started, error: message });
    throw error;
  }
}

async function buildLayer(
  session: BuildSession,
  parent: StepResult,
  change: LayerChange,
  signal: AbortSignal,
): Promise<LayerRef> {
  const chains = change.independentOfParent ? [] : await ensureSnapshots(session, parent.layers);
  if (change.target === 'overlay') {
    // Named like the snapshot store's temp dirs so its sweep removes them after a crash.
    const base = session.snapshots.scratchPath('run');
    mkdirSync(base);
    const upperdir = path.join(base, 'upper');
    const workdir = path.join(base, 'work');
    mkdirSync(upperdir);
    mkdirSync(workdir);
    try {
      const lowerdirs = chains.map((id) => session.snapshots.layerPath(id)).reverse();
      await change.apply({ kind: 'overlay', lowerdirs, upperdir, workdir }, signal);
      const layer = await storeDiff(session, upperdir);
      adoptSnapshot(session, parent, layer, upperdir);
      return layer;
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  }
  const rootfs = session.snapshots.prepareRootfs(chains, { writable: true });
  try {
    await change.apply({ kind: 'mounted', rootfs }, signal);
    const layer = await storeDiff(session, session.snapshots.diffRootfs(rootfs));
    if (rootfs.kind === 'overlay' && rootfs.upperdir) {
      unmount(rootfs.rootfs);
      adoptSnapshot(session, parent, layer, rootfs.upperdir);
    }
    return layer;
  } finally {
    rootfs.cleanup();
  }
}

/** What a step just wrote (a young file, spared by GC's grace period until now) is leased too. */
async function leaseNewLayer(session: BuildSession, key: string, parent: StepResult, layer: LayerRef): Promise<void> {
  const items: LeaseItem[] = [
    { kind: 'record', id: key },
    { kind: 'blob', id: layer.descriptor.digest },
    { kind: 'snapshot', id: digestHex(chainIds([...parent.layers.map((l) => l.diffId), layer.diffId]).at(-1)!) },
  ];
  await session.lease.add(items);
}

/** The upper dir becomes the new layer's snapshot: the next step needs no unpacking. */
function adoptSnapshot(session: BuildSession, parent: StepResult, layer: LayerRef, upperdir: string): void {
  const chain = chainIds([...parent.layers.map((l) => l.diffId), layer.diffId]).at(-1)!;
  session.snapshots.adoptUpperDir(chain, layer.diffId, upperdir);
}

/**
 * Stores an upper-style diff dir as a layer. A step that changed nothing still gets its (empty)
 * layer, as BuildKit gives every RUN, COPY, ADD and WORKDIR one.
 */
async function storeDiff(session: BuildSession, diffDir: string): Promise<LayerRef> {
  // Uncompressed: only the local store needs it yet; push and export gzip it (oci/distribution.ts).
  return writeLayer(session.store, { dir: diffDir, mode: 'overlay' }, {
    compression: 'uncompressed', sourceDateEpoch: session.options.sourceDateEpoch,
  });
}

/** Unpacks the layers (once per root) and returns their chain IDs, bottom first. */
export async function ensureSnapshots(session: BuildSession, layers: readonly LayerRef[]): Promise<Digest[]> {
  const chains = chainIds(layers.map((l) => l.diffId));
  // Leased before use: a snapshot GC removed before this is seen missing and unpacked again.
  await session.lease.add([
    ...chains.map((id) => ({ kind: 'snapshot' as const, id: digestHex(id) })),
    ...layers.map((l) => ({ kind: 'blob' as const, id: l.descriptor.digest })),
  ]);
  await Promise.all(
    layers.map((layer, i) =>
      session.snapshots.ensureLayer(chains[i], layer.diffId, () => session.store.open(layer.descriptor.digest)),
    ),
  );
  return chains;
}

function resultFrom(parent: StepResult, key: string, result: StepResultRecord, history: ReturnType<typeof historyFor>): StepResult {
  const layer = result.layer;
  if (!layer) return { key, config: applyLayer(parent.config, undefined, history), layers: parent.layers };
  const ref: LayerRef = {
    descriptor: { mediaType: layer.mediaType, digest: layer.digest as Digest, size: layer.size },
    diffId: layer.diffId as Digest,
  };
  return { key, config: applyLayer(parent.config, ref.diffId, history), layers: [...parent.layers, ref] };
}

/**
 * A local record is reusable while the layer it names is still stored; an imported one once its
 * layer is fetched (then it is recorded locally, so the next build needs no import).
 */
async function reusable(
  session: BuildSession, key: string, meta: { identity: string; parts: CacheKeyParts },
): Promise<CacheRecord | undefined> {
  const record = await session.records.get(key);
  if (record) {
    // Leased before checking its blob: GC cannot take either from now on.
    const blob = record.result.layer?.digest;
    await session.lease.add([{ kind: 'record', id: key }, ...(blob ? [{ kind: 'blob' as const, id: blob }] : [])]);
    if (!blob || (await session.store.has(blob as Digest))) return record;
  }
  const imported = session.importedRecords.get(key);
  if (!imported) return undefined;
  const layer = imported.result.layer;
  if (layer && !(await session.store.has(layer.digest as Digest))) {
    await imported.fetchLayer({ mediaType: layer.mediaType, digest: layer.digest as Digest, size: layer.size });
  }
  const local: CacheRecord = { key, ...meta, result: imported.result, createdAt: new Date().toISOString() };
  await session.records.put(local);
  return local;
}

function useCache(session: BuildSession, step: Step): boolean {
  if (session.options.noCache) return false;
  const filter = session.options.noCacheFilter ?? [];
  return !filter.some((stage) => stage === step.stage.name || stage === String(step.stage.index));
}

/** The op as planned: variables expanded, secrets only by id. */
function definitionOf(step: Step): unknown {
  return step.op;
}

/** The same instruction of the same Dockerfile across builds, for --explain-cache. */
function identityOf(session: BuildSession, step: Step): string {
  const platform = 'platform' in step.op ? step.op.platform : '';
  const text = `${session.dockerfilePath}\0${step.stage.index}\0${step.range?.start.line ?? step.instruction}\0${platform}`;
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function parentResult(session: BuildSession, step: Step): StepResult {
  const [first] = step.inputs;
  if (first === undefined) throw new TsbuildError('INTERNAL', `step ${step.instruction} has no parent`);
  return resultOf(session, first);
}

export function resultOf(session: BuildSession, id: string): StepResult {
  const result = session.results.get(id);
  if (!result) throw new TsbuildError('INTERNAL', `step ${id} has not run yet`);
  return result;
}

// Runs a step that changes the filesystem (RUN, COPY, ADD, WORKDIR): looks its cache key up,
// and on a miss applies the change in a writable rootfs over the parent's snapshots and stores
// the difference as a new layer.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { explainMiss, cacheKey, type CacheKeyParts } from '../cache/index.js';
import type { CacheRecord, StepResultRecord } from '../cache/index.js';
import { TsbuildError } from '../errors.js';
import { digestHex, writeLayer } from '../oci/index.js';
import type { LeaseItem, Digest } from '../oci/index.js';
import type { Step } from '../planner/index.js';
import { applyLayer, buildTimestamp, historyFor } from './image-config.js';
import type { BuildContext } from './context.js';
import type { BuildState } from './state.js';
import { unmount, chainIds } from '../snapshots/index.js';
import type { PreparedRootfs } from '../snapshots/index.js';
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
  /**
   * Inputs whose key is left out because `contents` covers what the step reads of them, with
   * the definition to key on instead of the op (which names them).
   */
  byContent?: { inputs: ReadonlySet<string>; definition: unknown };
  /**
   * COPY --from: digests of the files the step copies from other steps' results, named `from:<i>`
   * for `step.inputs[i]`; asked only when the key by definition misses (it reads the files).
   */
  sourceDigests?: () => Promise<Record<string, string>>;
  /**
   * A `mounted` change that writes again what its previous run wrote where the sources did not
   * change (a COPY from the context): whether the previous run's record, same definition on the
   * same parent layers, may seed the upper dir (seed-upper.ts). The change then replaces what
   * differs and keeps what is identical (`PreparedRootfs.seeded`).
   */
  seedFrom?: (previous: CacheRecord) => boolean;
}

export type RootfsTarget =
  | { kind: 'mounted'; rootfs: PreparedRootfs }
  | { kind: 'overlay'; lowerdirs: string[]; upperdir: string; workdir: string };

export async function runLayerStep(
  ctx: BuildContext,
  state: BuildState,
  step: Step,
  change: LayerChange,
  signal: AbortSignal,
): Promise<StepResult> {
  const parent = parentResult(state, step);
  const parts: CacheKeyParts = {
    definition: change.byContent ? change.byContent.definition : definitionOf(step),
    inputKeys: (change.independentOfParent ? step.inputs.slice(1) : step.inputs)
      .filter((id) => !change.byContent?.inputs.has(id))
      .map((id) => state.resultOf(id).key),
    contents: change.contents,
  };
  const key = cacheKey(parts);
  const label = { stepId: step.id, name: state.stepNames.get(step.id) ?? step.instruction, line: step.range?.start.line };
  const identity = identityOf(ctx, step);
  const cacheable = useCache(ctx, step);

  let hit = cacheable ? await state.cache.find(key, { identity, parts }) : undefined;
  // The key later steps build on: the definition key, or the key of the files a COPY --from copied.
  let outKey = hit?.result.key ?? key;
  let own = { key, parts };
  if (!hit && change.sourceDigests) {
    // Early cut-off, as BuildKit's content-based keys: the definition key names the source
    // stage's key, which changes whenever that stage reruns; this one names only the files copied.
    const contentParts: CacheKeyParts = {
      definition: parts.definition,
      inputKeys: change.independentOfParent ? [] : [parent.key],
      contents: { ...change.contents, ...(await change.sourceDigests()) },
    };
    own = { key: cacheKey(contentParts), parts: contentParts };
    outKey = own.key;
    hit = cacheable ? await state.cache.find(own.key, { identity, parts: contentParts }) : undefined;
    if (hit) await recordAlias(ctx, state, { key, identity, parts }, hit.result, own.key);
  }
  // What later steps build on is this layer *on its parent*: for --link that differs from the
  // record's own key, which leaves the parent out.
  const stackKey = change.independentOfParent ? cacheKey({ definition: 'stacked', inputKeys: [parent.key, outKey], contents: {} }) : outKey;

  if (hit) {
    state.usedRecords.set(outKey, withoutOutKey(hit.result));
    if (outKey !== key) state.usedRecords.set(key, { ...withoutOutKey(hit.result), key: outKey });
    if ((await ctx.records.lastKeyFor(identity)) !== outKey) {
      await ctx.records.remember(identity, outKey);
    }
    ctx.emit({ type: 'step.cached', ...label });
    return { ...resultFrom(parent, stackKey, hit.result, historyFor(step, createdOf(ctx, hit))), recordKey: key };
  }
  if (ctx.options.explainCache) {
    const previousKey = await ctx.records.lastKeyFor(identity);
    const previous = previousKey ? await ctx.records.get(previousKey) : undefined;
    const inputNames = step.inputs.map((id) => state.stepNames.get(id) ?? id);
    ctx.emit({ type: 'cache.miss', ...label, reasons: explainMiss({ parts: own.parts, fileDigests: change.fileDigests, inputNames }, previous) });
  }
  ctx.emit({ type: 'step.started', ...label });
  const started = Date.now();
  try {
    const seed = await previousSnapshot(ctx, identity, parent, parts.definition, change);
    const layer = await buildLayer(ctx, parent, change, seed, signal);
    const result: StepResultRecord = {
      diffIds: [...parent.config.rootfs.diff_ids, layer.diffId],
      layer: { ...layer.descriptor, diffId: layer.diffId },
      created: ctx.created,
    };
    if (own.key !== key) await recordAlias(ctx, state, { key, identity, parts }, result, own.key);
    // Written last, so that the step identity remembers this record for the next explanation.
    const record: CacheRecord = { key: own.key, identity, parts: own.parts, fileDigests: change.fileDigests, result, createdAt: new Date().toISOString() };
    await ctx.records.put(record);
    await leaseNewLayer(ctx, own.key, parent, layer);
    state.usedRecords.set(own.key, result);
    ctx.emit({ type: 'step.done', ...label, durationMs: Date.now() - started });
    return { ...resultFrom(parent, stackKey, result, historyFor(step, ctx.created)), recordKey: key };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.emit({ type: 'step.failed', ...label, durationMs: Date.now() - started, error: message });
    throw error;
  }
}

async function buildLayer(
  ctx: BuildContext,
  parent: StepResult,
  change: LayerChange,
  seed: string | undefined,
  signal: AbortSignal,
): Promise<LayerRef> {
  const chains = change.independentOfParent ? [] : await ensureSnapshots(ctx, parent.layers);
  if (change.target === 'overlay') {
    // Named like the snapshot store's temp dirs so its sweep removes them after a crash.
    const base = ctx.snapshots.scratchPath('run');
    mkdirSync(base);
    const upperdir = path.join(base, 'upper');
    const workdir = path.join(base, 'work');
    mkdirSync(upperdir);
    mkdirSync(workdir);
    try {
      const lowerdirs = chains.map((id) => ctx.snapshots.layerPath(id)).reverse();
      await change.apply({ kind: 'overlay', lowerdirs, upperdir, workdir }, signal);
      const layer = await storeDiff(ctx, upperdir);
      adoptSnapshot(ctx, parent, layer, upperdir);
      return layer;
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  }
  const rootfs = ctx.snapshots.prepareRootfs(chains, { writable: true, seed });
  try {
    await change.apply({ kind: 'mounted', rootfs }, signal);
    const layer = await storeDiff(ctx, ctx.snapshots.diffRootfs(rootfs));
    if (rootfs.kind === 'overlay' && rootfs.upperdir) {
      unmount(rootfs.rootfs);
      adoptSnapshot(ctx, parent, layer, rootfs.upperdir);
    }
    return layer;
  } finally {
    rootfs.cleanup();
  }
}

/** The snapshot of this step's previous run, when `change.seedFrom` may start from it (leased). */
async function previousSnapshot(
  ctx: BuildContext, identity: string, parent: StepResult, definition: unknown, change: LayerChange,
): Promise<string | undefined> {
  if (!change.seedFrom || change.target !== 'mounted' || change.independentOfParent) return undefined;
  const previousKey = await ctx.records.lastKeyFor(identity);
  const previous = previousKey ? await ctx.records.get(previousKey) : undefined;
  if (!previous?.result.layer || !change.seedFrom(previous)) return undefined;
  const diffIds = previous.result.diffIds;
  const parentIds = parent.config.rootfs.diff_ids;
  if (diffIds.length !== parentIds.length + 1 || parentIds.some((id, i) => diffIds[i] !== id)) return undefined;
  if (JSON.stringify(previous.parts.definition) !== JSON.stringify(definition)) return undefined;
  const chain = chainIds(diffIds).at(-1)!;
  await ctx.lease.add([{ kind: 'snapshot', id: digestHex(chain) }]);
  return ctx.snapshots.has(chain) ? ctx.snapshots.layerPath(chain) : undefined;
}

/** What a step just wrote (a young file, spared by GC's grace period until now) is leased too. */
async function leaseNewLayer(ctx: BuildContext, key: string, parent: StepResult, layer: LayerRef): Promise<void> {
  const items: LeaseItem[] = [
    { kind: 'record', id: key },
    { kind: 'blob', id: layer.descriptor.digest },
    { kind: 'snapshot', id: digestHex(chainIds([...parent.layers.map((l) => l.diffId), layer.diffId]).at(-1)!) },
  ];
  await ctx.lease.add(items);
}

/** The upper dir becomes the new layer's snapshot: the next step needs no unpacking. */
function adoptSnapshot(ctx: BuildContext, parent: StepResult, layer: LayerRef, upperdir: string): void {
  const chain = chainIds([...parent.layers.map((l) => l.diffId), layer.diffId]).at(-1)!;
  ctx.snapshots.adoptUpperDir(chain, layer.diffId, upperdir);
}

/**
 * Stores an upper-style diff dir as a layer. A step that changed nothing still gets its (empty)
 * layer, as BuildKit gives every RUN, COPY, ADD and WORKDIR one.
 */
async function storeDiff(ctx: BuildContext, diffDir: string): Promise<LayerRef> {
  // Uncompressed: only the local store needs it yet; push and export gzip it (oci/distribution.ts).
  return writeLayer(ctx.store, { dir: diffDir, mode: 'overlay' }, {
    compression: 'uncompressed', sourceDateEpoch: ctx.options.sourceDateEpoch,
  });
}

/**
 * Unpacks the layers (once per root) and returns their chain IDs, bottom first. `onUnpack` hears
 * of each layer this call finds unpacked nowhere yet, and returns what to call once it is.
 */
export async function ensureSnapshots(
  ctx: BuildContext, layers: readonly LayerRef[], onUnpack?: (layer: LayerRef) => () => void,
): Promise<Digest[]> {
  const chains = chainIds(layers.map((l) => l.diffId));
  // Leased before use: a snapshot GC removed before this is seen missing and unpacked again.
  await ctx.lease.add([
    ...chains.map((id) => ({ kind: 'snapshot' as const, id: digestHex(id) })),
    ...layers.map((l) => ({ kind: 'blob' as const, id: l.descriptor.digest })),
  ]);
  await Promise.all(
    layers.map(async (layer, i) => {
      const unpacked = ctx.snapshots.has(chains[i]) ? undefined : onUnpack?.(layer);
      await ctx.snapshots.ensureLayer(chains[i], layer.diffId, () => ctx.store.open(layer.descriptor.digest));
      unpacked?.();
    }),
  );
  return chains;
}

function resultFrom(parent: StepResult, key: string, result: StepResultRecord, history: ReturnType<typeof historyFor>): StepResult {
  const layer = result.layer;
  if (!layer) return { key, config: applyLayer(parent.config, undefined, history), layers: parent.layers };
  const ref: LayerRef = {
    descriptor: { mediaType: layer.mediaType, digest: layer.digest, size: layer.size },
    diffId: layer.diffId,
  };
  return { key, config: applyLayer(parent.config, ref.diffId, history), layers: [...parent.layers, ref] };
}

/**
 * Records the step under its definition key too, naming the content key later steps build on: the
 * next build with the same source stage key finds it without hashing the source files.
 */
async function recordAlias(
  ctx: BuildContext, state: BuildState, meta: { key: string; identity: string; parts: CacheKeyParts }, result: StepResultRecord, outKey: string,
): Promise<void> {
  const alias: StepResultRecord = { ...withoutOutKey(result), key: outKey };
  await ctx.records.put({ ...meta, result: alias, createdAt: new Date().toISOString() });
  await ctx.lease.add([{ kind: 'record', id: meta.key }]);
  state.usedRecords.set(meta.key, alias);
}

function withoutOutKey(result: StepResultRecord): StepResultRecord {
  const { key: _outKey, ...rest } = result;
  return rest;
}

/**
 * A reused step is dated when it ran (BuildKit dates a layer by its creation), unless
 * SOURCE_DATE_EPOCH fixes every date; records older than `result.created` by when they were written.
 */
function createdOf(ctx: BuildContext, record: CacheRecord): string {
  if (ctx.options.sourceDateEpoch !== undefined) return ctx.created;
  if (record.result.created) return record.result.created;
  const written = Date.parse(record.createdAt);
  return Number.isFinite(written) ? buildTimestamp(Math.floor(written / 1000)) : ctx.created;
}

/** False when --no-cache or --no-cache-filter makes the step run again whatever the cache holds. */
export function useCache(ctx: BuildContext, step: Step): boolean {
  if (ctx.options.noCache) return false;
  const filter = ctx.options.noCacheFilter ?? [];
  return !filter.some((stage) => stage === step.stage.name || stage === String(step.stage.index));
}

/** The op as planned: variables expanded, secrets only by id. */
function definitionOf(step: Step): unknown {
  return step.op;
}

/** The same instruction of the same Dockerfile across builds, for --explain-cache. */
function identityOf(ctx: BuildContext, step: Step): string {
  const platform = 'platform' in step.op ? step.op.platform : '';
  const text = `${ctx.dockerfilePath}\0${step.stage.index}\0${step.range?.start.line ?? step.instruction}\0${platform}`;
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function parentResult(state: BuildState, step: Step): StepResult {
  const [first] = step.inputs;
  if (first === undefined) throw new TsbuildError('INTERNAL', `step ${step.instruction} has no parent`);
  return state.resultOf(first);
}

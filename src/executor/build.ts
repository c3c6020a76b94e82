// `build(options)`: the whole build — parse, plan (base images resolved), walk the step DAG with
// the cache, write the image and export it. The CLI, the Node API and the Action all call this.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { TsbuildError } from '../errors.js';
import { distributableImage } from '../oci/index.js';
import type { Dockerfile } from '../parser/index.js';
import { historyChain, planDockerfile, readDockerfile, runChecks } from '../planner/index.js';
import { openCacheBackend, exportCache, CacheLookup } from '../cache/index.js';
import type { BuildPlan } from '../planner/index.js';
import type { Descriptor } from '../oci/index.js';
import { collectGarbageIfOverLimit } from './auto-gc.js';
import { walkDag } from './dag.js';
import { imageAttestations, sbomScanOf, stageResults } from './attestations/index.js';
import type { BuildTimes } from './attestations/provenance.js';
import { EXPORT_STEP_ID, exportOutputs, writeBuiltImages, type AttestImage, type BuiltPlatformImage } from './export.js';
import type { UnstampedEvent } from './events.js';
import { exporterFor } from './exporters/index.js';
import { buildTimestamp } from './image-config.js';
import type { BuildOptions, BuildResult, CacheExportSpec, CheckWarning, OutputSpec } from './options.js';
import { runStep } from './run-step.js';
import { remoteSourceEpoch } from './source-epoch.js';
import { openBuildContext, type BuildContext } from './context.js';
import { prepareNamedContexts, type PlannedNamedContexts } from './named-contexts.js';
import { BuildState } from './state.js';
import { assertSupportedSteps, assertSupportedSyntax } from './unsupported.js';
import { assertEntitled } from './entitlements.js';
import { checkRunSettings } from '../runtime-shim/index.js';

/** Steps running at once: enough to overlap independent stages without thrashing 2 cores. */
const STEP_CONCURRENCY = 4;

export async function build(options: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const requested = withEpochBuildArg(options);
  const ctx = await openBuildContext(requested, buildTimestamp());
  try {
    return await buildIn(ctx, started);
  } catch (error) {
    ctx.emit(errorEvent(error, started));
    throw error;
  } finally {
    await ctx.lease.release(); // GC may take what this build used from now on
  }
}

/**
 * `sourceDateEpoch` is what buildx makes of the environment's SOURCE_DATE_EPOCH: the build arg of
 * that name unless the build args set one. The Dockerfile then resolves the epoch (withPlanEpoch).
 */
function withEpochBuildArg(options: BuildOptions): BuildOptions {
  const { sourceDateEpoch, ...rest } = options;
  if (sourceDateEpoch === undefined || options.buildArgs?.SOURCE_DATE_EPOCH !== undefined) return rest;
  return { ...rest, buildArgs: { ...options.buildArgs, SOURCE_DATE_EPOCH: String(sourceDateEpoch) } };
}

/**
 * The build's epoch as the Dockerfile resolves it (`--build-arg SOURCE_DATE_EPOCH`, else the global
 * ARG's default, as in BuildKit).
 */
function withPlanEpoch(ctx: BuildContext, plan: BuildPlan): BuildContext {
  const epoch = plan.sourceDateEpoch;
  if (epoch === undefined) return ctx;
  return { ...ctx, options: { ...ctx.options, sourceDateEpoch: epoch }, created: buildTimestamp(epoch) };
}

async function buildIn(opened: BuildContext, started: number): Promise<BuildResult> {
  checkRunSettings(opened.options); // a bad --ulimit, --shm-size or --cgroup-parent fails before any pull
  const dockerfile = readDockerfile({
    context: opened.options.context, dockerfile: opened.dockerfilePath, dockerfileContents: opened.options.dockerfileContents,
    displayName: displayName(opened.options),
  });
  assertSupportedSyntax(dockerfile);
  const named = await prepareNamedContexts(opened.options.buildContexts, opened);
  const checkWarnings = await runBuildChecks(dockerfile, opened.options.buildArgs, named);
  const plan = await planWithBaseImages(opened, dockerfile, named, checkWarnings);
  const ctx = withPlanEpoch(opened, plan);
  const { options } = ctx;
  assertSupportedSteps(plan);
  assertEntitled(plan, options);
  const state = new BuildState(plan, await cacheLookup(ctx));
  await walkPlan(ctx, state);
  const results = plan.platforms.map((platform) => ({ platform, result: state.resultOf(plan.targets[platform]) }));
  const inlineCache = options.cacheTo?.some((spec) => spec.location.type === 'inline') ? usedRecords(state, 'min') : undefined;
  const times = buildTimes(ctx, started);
  const scan = options.attestations?.some((a) => a.type === 'sbom')
    ? sbomScanOf(dockerfile, options.buildArgs ?? {}, stageResults(plan))
    : undefined;
  const attest: AttestImage | undefined = options.attestations?.length
    ? (image, withRootfs) => imageAttestations(ctx, state, image, times(), withRootfs, scan)
    : undefined;
  const outputs = withLoad(options.outputs ?? [{ type: 'image', push: false }], options.load);
  const result: BuildResult = await asExportStep(ctx, async () => {
    const { top, images } = await writeBuiltImages(ctx, results, { inlineCache, attest });
    const names = await exportOutputs(ctx, top, images, outputs);
    // An inline cache is already in the image configs.
    for (const spec of options.cacheTo ?? []) if (spec.location.type !== 'inline') await exportCacheTo(ctx, state, spec);
    return { ...(await describeResult(ctx, top, images, names, outputs)), checkWarnings };
  });
  await writeResultFiles(options, result);
  await collectGarbageIfOverLimit(ctx);
  const distributed = outputs.some((o) => exporterFor(o).distributes?.(o) ?? false);
  ctx.emit({ type: 'result', digest: result.digest, imageId: result.imageId, tags: result.tags, durationMs: Date.now() - started, distributed });
  return result;
}

/**
 * `load` (buildx's `--load`): the image also goes into the local store (next to `type=local`, say)
 * and into the local Docker engine when one answers.
 */
function withLoad(outputs: OutputSpec[], load: boolean | undefined): OutputSpec[] {
  if (!load) return outputs;
  const stored = outputs.some((o) => o.type === 'image' && !o.push);
  const loaded = outputs.some((o) => o.type === 'docker' && o.dest === undefined);
  return [...outputs, ...(stored ? [] : [{ type: 'image', push: false } as const]), ...(loaded ? [] : [{ type: 'docker', ifReachable: true } as const])];
}

/** The provenance's times: the build's, or the epoch (and no invocation id) with SOURCE_DATE_EPOCH. */
function buildTimes(ctx: BuildContext, started: number): () => BuildTimes {
  if (ctx.options.sourceDateEpoch !== undefined) return () => ({ startedOn: ctx.created, finishedOn: ctx.created });
  const invocationId = randomUUID();
  return () => ({ startedOn: new Date(started).toISOString(), finishedOn: new Date().toISOString(), invocationId });
}

/** The export (image written, outputs, cache export) shown as BuildKit's "exporting to image" step. */
async function asExportStep<T>(ctx: BuildContext, work: () => Promise<T>): Promise<T> {
  const label = { stepId: EXPORT_STEP_ID, name: 'exporting to image' };
  const started = Date.now();
  ctx.emit({ type: 'step.started', ...label });
  try {
    const value = await work();
    ctx.emit({ type: 'step.done', ...label, durationMs: Date.now() - started });
    return value;
  } catch (error) {
    ctx.emit({ type: 'step.failed', ...label, durationMs: Date.now() - started, error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

/** The last event of a failed build: the error's code, message and Dockerfile line. */
function errorEvent(error: unknown, started: number): UnstampedEvent {
  const located = error as { location?: { file?: string; line?: number } };
  return {
    type: 'error',
    code: error instanceof TsbuildError ? error.code : 'INTERNAL',
    message: error instanceof Error ? error.message : String(error),
    ...(located.location?.file ? { file: located.location.file } : {}),
    ...(located.location?.line ? { line: located.location.line } : {}),
    durationMs: Date.now() - started,
  };
}

/** The root's cache records, and those of the caches --cache-from names. */
async function cacheLookup(ctx: BuildContext): Promise<CacheLookup> {
  const lookup = new CacheLookup({ records: ctx.records, store: ctx.store, lease: ctx.lease });
  const sources = (ctx.options.cacheFrom ?? []).map((location) => openCacheBackend(location, { registry: ctx.registry }));
  await lookup.importFrom(sources, (message) => ctx.emit({ type: 'warning', message }));
  return lookup;
}

/** `--cache-to`: the records this build used (`mode=min`: those of the final images only). */
async function exportCacheTo(ctx: BuildContext, state: BuildState, spec: CacheExportSpec): Promise<void> {
  const records = usedRecords(state, spec.mode);
  const mounts = spec.cacheMounts ? state.usedCacheMounts : new Map<string, string>();
  const backend = openCacheBackend(spec.location, { registry: ctx.registry });
  try {
    await exportCache(ctx.store, backend, records, mounts);
  } catch (error) {
    if (!spec.ignoreError || (error instanceof TsbuildError && error.code === 'CANCELLED')) throw error;
    ctx.emit({ type: 'warning', message: `cache export to ${backend.description} failed (ignore-error=true): ${error instanceof Error ? error.message : String(error)}` });
  }
}

/** Runs every step the platform targets need, independent ones in parallel. */
async function walkPlan(ctx: BuildContext, state: BuildState): Promise<void> {
  const { plan } = state;
  const nodes = new Map(Object.values(plan.steps).map((s) => [s.id, s]));
  const targets = plan.platforms.map((p) => plan.targets[p]);
  try {
    await walkDag(nodes, targets, async (id, signal) => {
      const result = await runStep(ctx, state, plan.steps[id], signal);
      state.results.set(id, result);
      return result;
    }, { concurrency: STEP_CONCURRENCY, signal: ctx.options.signal });
  } finally {
    ctx.saveStatCache();
  }
}

/**
 * The result and BuildKit's metadata keys. Like BuildKit, an image that left the machine is
 * known by the digest it has there (layers gzipped); one kept in the local store by its own.
 */
async function describeResult(
  ctx: BuildContext, top: Descriptor, images: BuiltPlatformImage[], names: string[], outputs: OutputSpec[],
): Promise<Omit<BuildResult, 'checkWarnings'>> {
  const gzipped = outputs.some((o) => exporterFor(o).distributes?.(o) ?? false);
  const exported = gzipped ? await distributableImage(ctx.store, top) : top;
  const [first] = images;
  return {
    digest: exported.digest,
    imageId: first.manifest.config.digest,
    manifest: first.manifest,
    config: first.config,
    tags: names,
    metadata: {
      'containerimage.digest': exported.digest,
      'containerimage.config.digest': first.manifest.config.digest,
      'containerimage.descriptor': exported,
      ...(names.length > 0 ? { 'image.name': names.join(',') } : {}),
    },
  };
}

/**
 * The build checks `tsbuild check` runs, as BuildKit runs them on every build: their findings
 * are the result's warnings; with `# check=error=true` any finding fails the build before it starts.
 */
async function runBuildChecks(dockerfile: Dockerfile, buildArgs: Record<string, string> | undefined, named: PlannedNamedContexts): Promise<CheckWarning[]> {
  const { findings, config } = await runChecks(dockerfile, buildArgs ?? {}, named);
  if (config.error && findings.length > 0) {
    const list = findings.map((f) => `\n - ${f.rule}: ${f.message} (line ${f.location.line})`).join('');
    throw new TsbuildError('CHECK_FAILED', `${findings.length} build check${findings.length === 1 ? '' : 's'} failed (check=error=true):${list}`);
  }
  return findings.map((f) => ({ rule: f.rule, message: f.message, line: f.location.line }));
}

async function planWithBaseImages(
  ctx: BuildContext, dockerfile: Dockerfile, named: PlannedNamedContexts, checkWarnings: CheckWarning[] = [],
): Promise<BuildPlan> {
  const sourceEpochs = new Map<string, Promise<number | undefined>>();
  const { plan, warnings } = await planDockerfile(dockerfile, {
    buildArgs: ctx.options.buildArgs,
    target: ctx.options.target,
    ...named,
    platforms: ctx.options.platforms,
    resolveImageConfig: async (ref, platform) => (await ctx.baseImages.resolve(ref, platform)).config,
    ...(ctx.options.contextEpoch !== undefined ? { contextEpoch: ctx.options.contextEpoch } : {}),
    resolveSourceEpoch: (url, checksum) => {
      // Each platform plans the same global ARGs: the source is fetched once.
      const key = `${url} ${checksum ?? ''}`;
      let epoch = sourceEpochs.get(key);
      if (!epoch) sourceEpochs.set(key, (epoch = remoteSourceEpoch(ctx, url, checksum)));
      return epoch;
    },
  });
  // A plan warning a build check reports too (UndefinedVar...) is told once, in the result's check warnings.
  const reported = new Set(checkWarnings.map((w) => `${w.rule}:${w.line}`));
  for (const warning of warnings) {
    if (warning.rule && reported.has(`${warning.rule}:${warning.location?.line}`)) continue;
    ctx.emit({ type: 'warning', message: warning.rule ? `${warning.rule}: ${warning.message}` : warning.message, line: warning.location?.line });
  }
  return plan;
}

/** The records this build used (`min`: those of the final images only). */
function usedRecords(state: BuildState, mode: 'min' | 'max') {
  const finalKeys = mode === 'max' ? undefined : finalImageKeys(state);
  return [...state.usedRecords].filter(([key]) => !finalKeys || finalKeys.has(key)).map(([key, result]) => ({ key, result }));
}

/** Cache keys of the steps that make up the final images (what `mode=min` exports). */
function finalImageKeys({ plan, results }: BuildState): Set<string> {
  const keys = new Set<string>();
  for (const target of Object.values(plan.targets)) {
    for (const step of historyChain(plan, target)) {
      const result = results.get(step.id);
      if (result) keys.add(result.recordKey ?? result.key);
    }
  }
  return keys;
}

function displayName(options: BuildOptions): string {
  return options.dockerfile ?? 'Dockerfile';
}

async function writeResultFiles(options: BuildOptions, result: BuildResult): Promise<void> {
  if (options.iidFile) await writeResultFile('--iidfile', options.iidFile, result.imageId);
  if (options.metadataFile) await writeResultFile('--metadata-file', options.metadataFile, `${JSON.stringify(result.metadata, null, 2)}\n`);
}

async function writeResultFile(flag: string, file: string, content: string): Promise<void> {
  try {
    await writeFile(file, content);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message;
    throw new TsbuildError('NOT_FOUND', `cannot write ${flag} ${file}: ${reason}`, { cause: error });
  }
}

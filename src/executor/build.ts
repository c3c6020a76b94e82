// `build(options)`: the whole build — parse, plan (base images resolved), walk the step DAG with
// the cache, write the image and export it. The CLI, the Node API and the Action all call this.
import { writeFile } from 'node:fs/promises';
import { TsbuildError } from '../errors.js';
import { distributableImage } from '../oci/index.js';
import type { Dockerfile } from '../parser/index.js';
import { historyChain, planDockerfile, readDockerfile } from '../planner/index.js';
import { openCacheBackend, exportCache, CacheLookup } from '../cache/index.js';
import type { BuildPlan } from '../planner/index.js';
import type { Descriptor } from '../oci/index.js';
import { collectGarbageIfOverLimit } from './auto-gc.js';
import { walkDag } from './dag.js';
import { exportOutputs, writeBuiltImages, type BuiltPlatformImage } from './export.js';
import { exporterFor } from './exporters/index.js';
import { buildTimestamp } from './image-config.js';
import type { BuildOptions, BuildResult, CacheExportSpec, OutputSpec } from './options.js';
import { runStep } from './run-step.js';
import { remoteSourceEpoch } from './source-epoch.js';
import { openBuildContext, type BuildContext } from './context.js';
import { BuildState } from './state.js';
import { assertSupportedSteps, assertSupportedSyntax } from './unsupported.js';
import { assertEntitled } from './entitlements.js';

/** Steps running at once: enough to overlap independent stages without thrashing 2 cores. */
const STEP_CONCURRENCY = 4;

export async function build(requested: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const ctx = await openBuildContext(requested, buildTimestamp(requested.sourceDateEpoch));
  try {
    return await buildIn(ctx, started);
  } finally {
    await ctx.lease.release(); // GC may take what this build used from now on
  }
}

/**
 * The build's epoch as the Dockerfile resolves it (`--build-arg SOURCE_DATE_EPOCH`, else the global
 * ARG's default, as in BuildKit), unless the caller gave one.
 */
function withPlanEpoch(ctx: BuildContext, plan: BuildPlan): BuildContext {
  const epoch = plan.sourceDateEpoch;
  if (ctx.options.sourceDateEpoch !== undefined || epoch === undefined) return ctx;
  return { ...ctx, options: { ...ctx.options, sourceDateEpoch: epoch }, created: buildTimestamp(epoch) };
}

async function buildIn(opened: BuildContext, started: number): Promise<BuildResult> {
  const dockerfile = readDockerfile({
    context: opened.options.context, dockerfile: opened.dockerfilePath, dockerfileContents: opened.options.dockerfileContents,
    displayName: displayName(opened.options),
  });
  assertSupportedSyntax(dockerfile);
  const plan = await planWithBaseImages(opened, dockerfile);
  const ctx = withPlanEpoch(opened, plan);
  const { options } = ctx;
  assertSupportedSteps(plan);
  assertEntitled(plan, options);
  const state = new BuildState(plan, await cacheLookup(ctx));
  await walkPlan(ctx, state);
  const results = plan.platforms.map((platform) => ({ platform, result: state.resultOf(plan.targets[platform]) }));
  const { top, images } = await writeBuiltImages(ctx, results);
  const outputs: OutputSpec[] = options.outputs ?? [{ type: 'image', push: false }];
  const names = await exportOutputs(ctx, top, images, outputs);
  for (const spec of options.cacheTo ?? []) await exportCacheTo(ctx, state, spec);
  const result = await describeResult(ctx, top, images, names, outputs);
  await writeResultFiles(options, result);
  await collectGarbageIfOverLimit(ctx);
  ctx.emit({ type: 'result', digest: result.digest, imageId: result.imageId, tags: names, durationMs: Date.now() - started });
  return result;
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
  const finalKeys = spec.mode === 'max' ? undefined : finalImageKeys(state);
  const records = [...state.usedRecords].filter(([key]) => !finalKeys || finalKeys.has(key)).map(([key, result]) => ({ key, result }));
  const mounts = spec.cacheMounts ? state.usedCacheMounts : new Map<string, string>();
  await exportCache(ctx.store, openCacheBackend(spec.location, { registry: ctx.registry }), records, mounts);
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
): Promise<BuildResult> {
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

async function planWithBaseImages(ctx: BuildContext, dockerfile: Dockerfile): Promise<BuildPlan> {
  const sourceEpochs = new Map<string, Promise<number | undefined>>();
  const { plan, warnings } = await planDockerfile(dockerfile, {
    buildArgs: ctx.options.buildArgs,
    target: ctx.options.target,
    namedImages: Object.fromEntries(Object.entries(ctx.options.buildContexts ?? {}).map(([name, c]) => [name, c.image])),
    platforms: ctx.options.platforms,
    resolveImageConfig: async (ref, platform) => (await ctx.baseImages.resolve(ref, platform)).config,
    resolveSourceEpoch: (url, checksum) => {
      // Each platform plans the same global ARGs: the source is fetched once.
      const key = `${url} ${checksum ?? ''}`;
      let epoch = sourceEpochs.get(key);
      if (!epoch) sourceEpochs.set(key, (epoch = remoteSourceEpoch(ctx, url, checksum)));
      return epoch;
    },
  });
  for (const warning of warnings) {
    ctx.emit({ type: 'warning', message: warning.rule ? `${warning.rule}: ${warning.message}` : warning.message, line: warning.location?.line });
  }
  return plan;
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

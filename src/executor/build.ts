// `build(options)`: the whole build — parse, plan (base images resolved), walk the step DAG with
// the cache, write the image and export it. The CLI, the Node API and the Action all call this.
import { readFile, writeFile } from 'node:fs/promises';
import { TsbuildError } from '../errors.js';
import { distributableImage } from '../oci/distribution.js';
import { parseDockerfile } from '../parser/index.js';
import { historyChain, planBuild, parsePlatformList, hostPlatform } from '../planner/index.js';
import { exportCaches, importCaches } from './cache-io.js';
import type { BuildPlan } from '../planner/types.js';
import type { Descriptor } from '../oci/types.js';
import { collectGarbageIfOverLimit } from './auto-gc.js';
import { walkDag } from './dag.js';
import { exportOutputs, writeBuiltImages, type BuiltPlatformImage } from './export.js';
import { buildTimestamp } from './image-config.js';
import type { BuildOptions, BuildResult, OutputSpec } from './options.js';
import { runStep } from './run-step.js';
import { openSession, type BuildSession } from './session.js';
import { stepNames } from './step-names.js';
import { assertSupportedSteps, assertSupportedSyntax } from './unsupported.js';
import { assertEntitled } from './entitlements.js';

/** Steps running at once: enough to overlap independent stages without thrashing 2 cores. */
const STEP_CONCURRENCY = 4;

export async function build(options: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const session = await openSession(options, buildTimestamp(options.sourceDateEpoch));
  try {
    return await buildInSession(session, started);
  } finally {
    await session.lease.release(); // GC may take what this build used from now on
  }
}

async function buildInSession(session: BuildSession, started: number): Promise<BuildResult> {
  const { options } = session;
  const text = options.dockerfileContents ?? (await readDockerfile(session.dockerfilePath));
  const dockerfile = parseDockerfile(text, { file: displayName(options) });
  assertSupportedSyntax(dockerfile);
  const plan = await planWithBaseImages(session, dockerfile);
  assertSupportedSteps(plan);
  assertEntitled(plan, options);
  session.plan = plan;
  session.stepNames = stepNames(plan);
  if (options.cacheFrom?.length) session.importedRecords = await importCaches(session, options.cacheFrom);
  await walkPlan(session, plan);
  const results = plan.platforms.map((platform) => ({ platform, result: session.results.get(plan.targets[platform])! }));
  const { top, images } = await writeBuiltImages(session, results);
  const outputs: OutputSpec[] = options.outputs ?? [{ type: 'image', push: false }];
  const names = await exportOutputs(session, top, images, outputs);
  if (options.cacheTo?.length) await exportCaches(session, options.cacheTo, finalImageKeys(session, plan));
  const result = await describeResult(session, top, images, names, outputs);
  await writeResultFiles(options, result);
  await collectGarbageIfOverLimit(session);
  session.emit({ type: 'result', digest: result.digest, imageId: result.imageId, tags: names, durationMs: Date.now() - started });
  return result;
}

/** Runs every step the platform targets need, independent ones in parallel. */
async function walkPlan(session: BuildSession, plan: BuildPlan): Promise<void> {
  const nodes = new Map(Object.values(plan.steps).map((s) => [s.id, s]));
  const targets = plan.platforms.map((p) => plan.targets[p]);
  try {
    await walkDag(nodes, targets, async (id, signal) => {
      const result = await runStep(session, plan.steps[id], signal);
      session.results.set(id, result);
      return result;
    }, { concurrency: STEP_CONCURRENCY, signal: session.options.signal });
  } finally {
    session.saveStatCache();
  }
}

/**
 * The result and BuildKit's metadata keys. Like BuildKit, an image that left the machine is
 * known by the digest it has there (layers gzipped); one kept in the local store by its own.
 */
async function describeResult(
  session: BuildSession, top: Descriptor, images: BuiltPlatformImage[], names: string[], outputs: OutputSpec[],
): Promise<BuildResult> {
  const gzipped = outputs.some((o) => o.type === 'oci' || (o.type === 'image' && o.push && o.compression !== 'uncompressed'));
  const exported = gzipped ? await distributableImage(session.store, top) : top;
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

async function planWithBaseImages(session: BuildSession, dockerfile: ReturnType<typeof parseDockerfile>): Promise<BuildPlan> {
  const host = hostPlatform();
  const platforms = session.options.platforms?.length ? parsePlatformList(session.options.platforms.join(',')) : [host];
  const { plan, warnings } = await planBuild(dockerfile, {
    buildArgs: session.options.buildArgs ?? {},
    target: session.options.target,
    namedImages: Object.fromEntries(Object.entries(session.options.buildContexts ?? {}).map(([name, c]) => [name, c.image])),
    platforms,
    buildPlatform: host,
    resolveImageConfig: async (ref, platform) => (await session.baseImages.resolve(ref, platform)).config,
  });
  for (const warning of warnings) {
    session.emit({ type: 'warning', message: warning.rule ? `${warning.rule}: ${warning.message}` : warning.message, line: warning.location?.line });
  }
  return plan;
}

/** Cache keys of the steps that make up the final images (what `mode=min` exports). */
function finalImageKeys(session: BuildSession, plan: BuildPlan): Set<string> {
  const keys = new Set<string>();
  for (const target of Object.values(plan.targets)) {
    for (const step of historyChain(plan, target)) {
      const result = session.results.get(step.id);
      if (result) keys.add(result.recordKey ?? result.key);
    }
  }
  return keys;
}

async function readDockerfile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new TsbuildError('NOT_FOUND', `failed to read Dockerfile: ${file}: no such file`);
    }
    throw error;
  }
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

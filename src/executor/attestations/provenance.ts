// The SLSA provenance predicate of one platform image, shaped as BuildKit's
// (solver/llbsolver/provenance: ProvenancePredicateSLSA1, and ConvertToSLSA02 for `version=v0.2`).
// `mode=min` keeps the frontend, the non-secret request attributes and the materials; `mode=max`
// adds build args and labels, secret and ssh ids, the Dockerfile, the steps and which step made
// which layer. Secret values and where they come from (files, host variables) never enter it: the
// plan knows secrets only by id.
import path from 'node:path';
import { historyChain, topologicalOrder, type BuildPlan, type Step, type StepId } from '../../planner/index.js';
import { PredicateType, digestSet, formatPlatform, hostPlatform, imagePurl, parsePlatform } from '../../spec/index.js';
import type { Attestation, Descriptor } from '../../oci/index.js';
import type { BuildContext } from '../context.js';
import type { BuildState } from '../state.js';
import type { NamedContext } from '../options.js';
import type { ProvenanceRequest } from './requests.js';

const BUILD_TYPE_V1 = 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md';
const BUILD_TYPE_V02 = 'https://mobyproject.org/buildkit@v1';
const FRONTEND = 'dockerfile.v0';

interface ResourceDescriptor {
  uri: string;
  digest: Record<string, string>;
}

/** When the build ran; with SOURCE_DATE_EPOCH both are the epoch and there is no invocation id. */
export interface BuildTimes {
  startedOn: string;
  finishedOn: string;
  invocationId?: string;
}

export async function provenanceAttestation(
  ctx: BuildContext, state: BuildState, platform: string, request: ProvenanceRequest, times: BuildTimes,
): Promise<Attestation> {
  const { plan } = state;
  const steps = topologicalOrder(plan, [plan.targets[platform]]).map((id) => plan.steps[id]);
  const resolvedDependencies = [...(await baseImageMaterials(ctx, steps)), ...contextMaterials(ctx), ...remoteMaterials(state, steps)];
  const max = request.mode === 'max';
  const args = requestArgs(ctx, max);
  const locals = ctx.options.contextSource ? [] : [{ name: 'context' }, { name: 'dockerfile' }];
  const secrets = max ? mountIds(steps, 'secret') : [];
  const ssh = max ? mountIds(steps, 'ssh') : [];
  const scrubbed = !max && (Object.keys(ctx.options.buildArgs ?? {}).length > 0 || Object.keys(ctx.options.labels ?? {}).length > 0);
  const incompleteMaterials = locals.length > 0;
  const configSource = {
    ...(ctx.options.contextSource ? { uri: withoutCredentials(ctx.options.contextSource.uri), digest: ctx.options.contextSource.digest } : {}),
    path: path.basename(ctx.dockerfilePath),
  };
  const requestParameters = {
    frontend: FRONTEND,
    ...(Object.keys(args).length > 0 ? { args } : {}),
    ...(secrets.length > 0 ? { secrets } : {}),
    ...(ssh.length > 0 ? { ssh } : {}),
    ...(locals.length > 0 ? { locals } : {}),
  };
  const buildkitMetadata = max ? await maxMetadata(ctx, state, platform, steps) : undefined;
  const completeness = { request: !scrubbed, resolvedDependencies: !incompleteMaterials };
  const builderPlatform = formatPlatform(hostPlatform());
  const hermetic = !incompleteMaterials && steps.every((s) => s.op.kind !== 'exec' || s.op.network === 'none');

  if (request.version === 'v0.2') {
    return {
      predicateType: PredicateType.SlsaProvenanceV02,
      path: request.filename ?? 'provenance.json',
      predicate: {
        builder: { id: request.builderId ?? '' },
        buildType: BUILD_TYPE_V02,
        ...(resolvedDependencies.length > 0 ? { materials: resolvedDependencies } : {}),
        invocation: {
          configSource: { ...(configSource.uri ? { uri: configSource.uri, digest: configSource.digest } : {}), entryPoint: configSource.path },
          parameters: requestParameters,
          environment: { platform: builderPlatform },
        },
        ...(buildkitMetadata ? { buildConfig: buildkitMetadata.buildConfig } : {}),
        metadata: {
          ...(times.invocationId ? { buildInvocationID: times.invocationId } : {}),
          buildStartedOn: times.startedOn,
          buildFinishedOn: times.finishedOn,
          completeness: { parameters: completeness.request, environment: true, materials: completeness.resolvedDependencies },
          reproducible: request.reproducible ?? false,
          'https://mobyproject.org/buildkit@v1#metadata': buildkitMetadata?.metadata ?? {},
          ...(hermetic ? { 'https://mobyproject.org/buildkit@v1#hermetic': true } : {}),
        },
      },
    };
  }
  return {
    predicateType: PredicateType.SlsaProvenanceV1,
    path: request.filename ?? 'provenance.json',
    predicate: {
      buildDefinition: {
        buildType: BUILD_TYPE_V1,
        externalParameters: { configSource, request: requestParameters },
        internalParameters: { ...(buildkitMetadata ? { buildConfig: buildkitMetadata.buildConfig } : {}), builderPlatform },
        ...(resolvedDependencies.length > 0 ? { resolvedDependencies } : {}),
      },
      runDetails: {
        builder: { id: request.builderId ?? '' },
        metadata: {
          ...(times.invocationId ? { invocationID: times.invocationId } : {}),
          startedOn: times.startedOn,
          finishedOn: times.finishedOn,
          buildkit_metadata: buildkitMetadata?.metadata ?? {},
          ...(hermetic ? { buildkit_hermetic: true } : {}),
          buildkit_completeness: completeness,
          ...(request.reproducible ? { buildkit_reproducible: true } : {}),
        },
      },
    },
  };
}

/** The frontend attributes buildx sends (`build-arg:` and `label:` only with mode=max, as BuildKit's scrubMinRequest). */
function requestArgs(ctx: BuildContext, max: boolean): Record<string, string> {
  const { options } = ctx;
  const args: Record<string, string> = {};
  if (max) {
    for (const [key, value] of Object.entries(options.buildArgs ?? {})) args[`build-arg:${key}`] = value;
    for (const [key, value] of Object.entries(options.labels ?? {})) args[`label:${key}`] = value;
  }
  for (const [name, context] of Object.entries(options.buildContexts ?? {})) args[`context:${name}`] = namedContextSource(name, context);
  if (options.noCache) args['no-cache'] = '';
  if (options.target) args.target = options.target;
  return sortedKeys(args);
}

/** A named context as buildx passes it (`--build-context name=VALUE`); a directory as `local:`. */
function namedContextSource(name: string, context: NamedContext): string {
  if ('image' in context) return `docker-image://${context.image}`;
  if ('url' in context) return withoutCredentials(context.url);
  if ('dir' in context) return `local:${name}`;
  return `oci-layout://${context.ociLayout}${context.tag ? `:${context.tag}` : ''}${context.digest ? `@${context.digest}` : ''}`;
}

function sortedKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Base images by the digest they resolved to (an index's when they came from one), as BuildKit pins them. */
async function baseImageMaterials(ctx: BuildContext, steps: Step[]): Promise<ResourceDescriptor[]> {
  const seen = new Map<string, ResourceDescriptor>();
  for (const step of steps) {
    if (step.op.kind !== 'source' || step.op.image === 'scratch') continue;
    const platform = parsePlatform(step.op.platform);
    const uri = imagePurl(step.op.image, platform);
    if (seen.has(uri)) continue;
    const resolved = await ctx.baseImages.resolve(step.op.image, platform);
    seen.set(uri, { uri, digest: digestSet((resolved.index?.descriptor ?? resolved.descriptor).digest) });
  }
  return [...seen.values()];
}

/** A git (or URL) build context is a material too, and the config source. */
function contextMaterials(ctx: BuildContext): ResourceDescriptor[] {
  const source = ctx.options.contextSource;
  return source?.digest ? [{ uri: withoutCredentials(source.uri), digest: source.digest }] : [];
}

/**
 * A URL without its user and password: a token in a git or download URL must not be published
 * with the image (BuildKit masks only the password; a token is often the user part).
 */
function withoutCredentials(uri: string): string {
  try {
    const url = new URL(uri);
    if (!url.username && !url.password) return uri;
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return uri; // scp-like `git@host:repo.git` names no secret
  }
}

/** `ADD` git and URL sources, once each, as BuildKit lists its git and http sources. */
function remoteMaterials(state: BuildState, steps: Step[]): ResourceDescriptor[] {
  const seen = new Map<string, ResourceDescriptor>();
  for (const step of steps) {
    for (const source of state.remoteSources.get(step.id) ?? []) {
      const uri = withoutCredentials(source.uri);
      seen.set(`${uri} ${JSON.stringify(source.digest)}`, { uri, digest: source.digest });
    }
  }
  return [...seen.values()];
}

function mountIds(steps: Step[], type: 'secret' | 'ssh'): { id: string; optional?: true }[] {
  const ids = new Map<string, boolean>();
  for (const step of steps) {
    if (step.op.kind !== 'exec') continue;
    for (const mount of step.op.mounts) {
      if (mount.type === type) ids.set(mount.id, (ids.get(mount.id) ?? false) || mount.required);
    }
  }
  return [...ids].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, required]) => (required ? { id } : { id, optional: true }));
}

/**
 * mode=max: the steps (`llbDefinition`, tsbuild's step ops under BuildKit's `stepN` ids), the
 * Dockerfile with each step's lines, and each layer of the image by the step that made it
 * (`stepN:0` -> the layer chain up to it; uncompressed digests, the config's diff_ids).
 */
async function maxMetadata(ctx: BuildContext, state: BuildState, platform: string, steps: Step[]) {
  const index = new Map<StepId, string>(steps.map((s, i) => [s.id, `step${i}`]));
  const definition = steps.map((step) => ({
    id: index.get(step.id)!,
    op: step.op,
    ...(step.inputs.length > 0 ? { inputs: step.inputs.map((id) => `${index.get(id)}:0`) } : {}),
  }));
  const digestMapping = Object.fromEntries(steps.map((s) => [s.id, index.get(s.id)!]));
  const locations: Record<string, { locations: { ranges: { start: { line: number }; end: { line: number } }[] }[] }> = {};
  for (const step of steps) {
    if (!step.range) continue;
    locations[index.get(step.id)!] = { locations: [{ ranges: [{ start: { line: step.range.start.line }, end: { line: step.range.end.line } }] }] };
  }
  const dockerfile = ctx.options.dockerfileContents ?? (await import('node:fs/promises')).readFile(ctx.dockerfilePath, 'utf8');
  const layers = layerSteps(state.plan, state, platform, index);
  return {
    buildConfig: { llbDefinition: definition, digestMapping },
    metadata: {
      source: {
        locations,
        infos: [{ filename: path.basename(ctx.dockerfilePath), language: 'Dockerfile', data: Buffer.from(await dockerfile).toString('base64') }],
      },
      ...(Object.keys(layers).length > 0 ? { layers } : {}),
    },
  };
}

function layerSteps(plan: BuildPlan, state: BuildState, platform: string, index: Map<StepId, string>): Record<string, Descriptor[][]> {
  const layers: Record<string, Descriptor[][]> = {};
  let count = 0;
  for (const step of historyChain(plan, plan.targets[platform])) {
    const result = state.results.get(step.id);
    if (!result || result.layers.length <= count) continue;
    count = result.layers.length;
    layers[`${index.get(step.id)}:0`] = [result.layers.map((l) => l.descriptor)];
  }
  return layers;
}

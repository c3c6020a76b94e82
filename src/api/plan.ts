// `plan` and `check`: a Dockerfile read, parsed and planned without building.
import { TsbuildError } from '../errors.js';
import { BaseImages, prepareNamedContexts, type NamedContext } from '../executor/index.js';
import {
  formatFinding, planDockerfile, readDockerfile, renderDot, renderJson, renderMermaid, renderText, runChecks,
  type CheckFinding, type DockerfileSource, type PlanFileOptions, type PlanResult,
} from '../planner/index.js';
import type { ImageConfig, Platform } from '../oci/index.js';
import type { RegistryAccess, RootOptions } from './options.js';
import { openStores } from './stores.js';

export interface PlanOptions extends Omit<PlanFileOptions, 'resolveImageConfig' | 'namedImages' | 'namedFiles'>, RootOptions, RegistryAccess {
  /** Resolve base images (from the root's store, pulled when missing) instead of planning them as references. */
  resolve?: boolean;
  /** Named contexts, as `build`'s `buildContexts` (`--build-context`); an OCI layout is read from its index unless `resolve`. */
  buildContexts?: Record<string, NamedContext>;
}

/** The build plan of a Dockerfile: steps, their IDs and inputs, per platform; offline unless `resolve`. */
export async function plan(options: PlanOptions): Promise<PlanResult> {
  const dockerfile = readDockerfile(options);
  if (!options.resolve) return planDockerfile(dockerfile, { ...options, ...(await prepareNamedContexts(options.buildContexts)) });
  const images = await baseImages(options);
  return planDockerfile(dockerfile, {
    ...options,
    ...(await prepareNamedContexts(options.buildContexts, images)),
    resolveImageConfig: async (ref: string, platform: Platform): Promise<ImageConfig> => (await images.baseImages.resolve(ref, platform)).config,
  });
}

async function baseImages(options: RootOptions & RegistryAccess) {
  const { store, names } = await openStores(options);
  return { store, baseImages: new BaseImages({ store, names, pull: false, registry: options.registry, onEvent: () => undefined }) };
}

export const planRenderers = { text: renderText, json: renderJson, dot: renderDot, mermaid: renderMermaid } as const;
export type PlanFormat = keyof typeof planRenderers;

/** The plan in one of the formats of `tsbuild plan --format`. */
export function renderPlan(result: PlanResult | PlanResult['plan'], format: PlanFormat = 'text'): string {
  return planRenderers[format]('plan' in result ? result.plan : result);
}

export interface CheckOptions extends DockerfileSource {
  buildArgs?: Record<string, string>;
  /** Named contexts, as `build`'s `buildContexts`: the checks plan with them (an OCI layout is read from its index). */
  buildContexts?: Record<string, NamedContext>;
  /** Reject with CHECK_FAILED when the Dockerfile says `# check=error=true` and there are findings. */
  throwOnError?: boolean;
}

export interface CheckReport {
  findings: CheckFinding[];
  /** Each finding as `file:line: Rule: message`. */
  lines: string[];
  /** True when the Dockerfile says `# check=error=true` and there are findings. */
  failed: boolean;
}

/** Runs the build checks over a Dockerfile. */
export async function check(options: CheckOptions): Promise<CheckReport> {
  const dockerfile = readDockerfile(options);
  const { findings, config } = await runChecks(dockerfile, options.buildArgs ?? {}, await prepareNamedContexts(options.buildContexts));
  const failed = Boolean(config.error) && findings.length > 0;
  if (failed && options.throwOnError) throw checkFailed(findings.length);
  return { findings, lines: findings.map(formatFinding), failed };
}

export function checkFailed(count: number): TsbuildError {
  return new TsbuildError('CHECK_FAILED', `${count} build check${count === 1 ? '' : 's'} failed (check=error=true)`);
}

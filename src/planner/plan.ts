// planBuild: a parsed Dockerfile + options -> BuildPlan. One pass per target platform over the
// stages the target reaches; equal steps of different platforms collapse into one.
import { TsbuildError } from '../errors.js';
import type { Platform } from '../spec/index.js';
import type { Dockerfile } from '../parser/index.js';
import { closestMatch } from '../parser/index.js';
import { PlanContext } from './context.js';
import type { PlanTables } from './context.js';
import { formatPlatform } from '../spec/index.js';
import { platformArgs } from './platform.js';
import { expandAt, PROXY_ARG_NAMES } from './scope.js';
import { resolveSourceDateEpoch, withResolvedEpoch } from './source-date-epoch.js';
import { StagePlanner } from './stages.js';
import type { BuildPlan, PlanOptions, PlanResult } from './types.js';

export async function planBuild(dockerfile: Dockerfile, options: PlanOptions): Promise<PlanResult> {
  if (dockerfile.stages.length === 0) {
    throw new TsbuildError('PLAN_INVALID', `${dockerfile.file}: the Dockerfile has no build stage (no FROM instruction)`);
  }
  const platforms = options.platforms.length > 0 ? options.platforms : [options.buildPlatform];
  const tables: PlanTables = { steps: {}, warnings: [], warningKeys: new Set(), consumedArgs: new Set() };
  const plan: BuildPlan = {
    platforms: platforms.map(formatPlatform),
    targets: {},
    images: {},
    steps: tables.steps,
    proxyEnv: proxyEnv(options.buildArgs),
  };
  for (const platform of platforms) await planPlatform(dockerfile, options, platform, tables, plan);
  warnUnusedBuildArgs(options, tables);
  return { plan, warnings: tables.warnings };
}

async function planPlatform(
  dockerfile: Dockerfile,
  options: PlanOptions,
  platform: Platform,
  tables: PlanTables,
  plan: BuildPlan,
): Promise<void> {
  const autoArgs = { ...platformArgs(options.buildPlatform, platform), TARGETSTAGE: targetStageName(dockerfile, options.target) };
  const ctx = new PlanContext(dockerfile, options, platform, tables, new Map(), autoArgs);
  const declared = globalArgs(ctx, dockerfile);
  const epoch = await resolveSourceDateEpoch(ctx, declared);
  if (epoch !== undefined) plan.sourceDateEpoch ??= epoch;
  const { buildArgs, globals } = withResolvedEpoch(options.buildArgs, declared, epoch);
  const scoped = new PlanContext(dockerfile, { ...options, buildArgs }, platform, tables, globals, autoArgs);
  const planner = new StagePlanner(scoped);
  const targetIndex = findTarget(planner, dockerfile, options.target);
  if (options.lint) {
    for (const stage of dockerfile.stages) await planner.stage(stage.index);
  }
  const target = await planner.stage(targetIndex);
  plan.targets[scoped.platformString] = target.head;
  plan.images[scoped.platformString] = {
    config: target.config,
    ...(target.author !== undefined ? { author: target.author } : {}),
    baseResolved: target.baseResolved,
  };
}

/** Global ARGs in order: `--build-arg` wins, else the default expanded with earlier globals. */
function globalArgs(ctx: PlanContext, dockerfile: Dockerfile): Map<string, string | undefined> {
  const values = new Map<string, string | undefined>();
  for (const ins of dockerfile.globalArgs) {
    for (const arg of ins.args) {
      ctx.tables.consumedArgs.add(arg.name);
      const given = ctx.options.buildArgs[arg.name];
      const lookup = (name: string) => values.get(name) ?? ctx.platformArgs[name];
      const value = given ?? (arg.default !== undefined ? expandAt(ctx, arg.default, lookup, ins.range).value : undefined);
      values.set(arg.name, value);
    }
  }
  return values;
}

/** BuildKit's built-in TARGETSTAGE: `--target`, else the last stage's name, else `default`. */
function targetStageName(dockerfile: Dockerfile, target: string | undefined): string {
  return target || dockerfile.stages.at(-1)?.from.stageName || 'default';
}

function findTarget(planner: StagePlanner, dockerfile: Dockerfile, target: string | undefined): number {
  if (target === undefined || target === '') return dockerfile.stages.length - 1;
  const index = planner.findByName(target);
  if (index === undefined) {
    const names = dockerfile.stages.flatMap((s) => (s.from.stageName ? [s.from.stageName] : []));
    const hint = closestMatch(target, names);
    throw new TsbuildError('PLAN_INVALID', `target stage "${target}" could not be found${hint ? ` (did you mean ${hint}?)` : ''}`);
  }
  return index;
}

/**
 * BuildKit's ProxyEnv: each proxy build arg, whatever its case, sets both spellings in RUN
 * (`HTTP_PROXY` and `http_proxy`); with both given, the one sorting last wins; empty ones are unset.
 */
function proxyEnv(buildArgs: Record<string, string>): string[] {
  const values = new Map<string, string>();
  for (const name of Object.keys(buildArgs).sort()) {
    if ((PROXY_ARG_NAMES as readonly string[]).includes(name)) values.set(name.toUpperCase(), buildArgs[name] ?? '');
  }
  return ['HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap((name) => {
    const value = values.get(name);
    return value ? [`${name}=${value}`, `${name.toLowerCase()}=${value}`] : [];
  });
}

/** Build args that switch frontend behaviour rather than feed ARGs. */
const FRONTEND_ARG_NAMES = ['BUILDKIT_SANDBOX_HOSTNAME', 'SOURCE_DATE_EPOCH'];

function warnUnusedBuildArgs(options: PlanOptions, tables: PlanTables): void {
  const names: readonly string[] = [...PROXY_ARG_NAMES, ...FRONTEND_ARG_NAMES];
  const unused = Object.keys(options.buildArgs)
    .filter((name) => !tables.consumedArgs.has(name) && !names.includes(name))
    .sort();
  if (unused.length === 0) return;
  const message = `One or more build-args [${unused.join(' ')}] were not consumed`;
  tables.warnings.push({ message });
}

// SOURCE_DATE_EPOCH as BuildKit's Dockerfile frontend resolves it (dockerfile2llb/epoch.go): a
// `--build-arg` wins (an empty one unsets it), else the global ARG's non-empty value. The value is
// whole seconds, `context`, a named context, or the name of a source-only stage (FROM scratch,
// ARGs and one remote ADD) whose source dates the build; anything else fails the build.
import { TsbuildError, UnsupportedFeatureError } from '../errors.js';
import type { AddInstruction, Stage } from '../parser/index.js';
import { expandWord } from '../parser/index.js';
import type { PlanContext } from './context.js';
import { isGitSource } from '../spec/index.js';

const SOURCE_DATE_EPOCH = 'SOURCE_DATE_EPOCH';

/**
 * The build's epoch in seconds; undefined when none is set or its source has no date (a local
 * context). `globals` are the global ARGs after build-arg overrides.
 */
export async function resolveSourceDateEpoch(ctx: PlanContext, globals: ReadonlyMap<string, string | undefined>): Promise<number | undefined> {
  const given = ctx.options.buildArgs[SOURCE_DATE_EPOCH];
  const value = given ?? globals.get(SOURCE_DATE_EPOCH);
  if (value === undefined || value === '') return undefined;
  const seconds = goParseInt(value);
  if (seconds !== undefined) return seconds;
  // A git or HTTP context has a date; a local directory or an image has none BuildKit reads.
  if (value === 'context') return ctx.options.contextEpoch;
  if (ctx.options.namedImages?.[value] !== undefined) return undefined;
  const stage = ctx.dockerfile.stages.find((s) => s.from.stageName?.toLowerCase() === value.toLowerCase());
  if (!stage) throw new TsbuildError(given === undefined ? 'PLAN_INVALID' : 'USAGE', `invalid SOURCE_DATE_EPOCH: ${value}`);
  const withoutEpoch = new Map(globals);
  withoutEpoch.delete(SOURCE_DATE_EPOCH);
  const source = sourceOnlyAdd(ctx, stage, withoutEpoch);
  if (isGitSource(source.url)) {
    throw new UnsupportedFeatureError(`SOURCE_DATE_EPOCH from the commit of a stage's git source (${source.url})`, ctx.at(stage.from.range));
  }
  return ctx.options.resolveSourceEpoch?.(source.url, source.checksum);
}

/** Go's strconv.ParseInt(v, 10, 64), within what a JS number holds exactly. */
function goParseInt(value: string): number | undefined {
  if (!/^[+-]?\d+$/.test(value)) return undefined;
  const seconds = Number(value);
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

/** The remote source of a source-only stage (BuildKit's sourceDateEpochStageSource rules). */
function sourceOnlyAdd(ctx: PlanContext, stage: Stage, globals: ReadonlyMap<string, string | undefined>): RemoteSource {
  const fail = (message: string) => ctx.invalid(message, stage.from.range);
  const word = (text: string, env: ReadonlyMap<string, string | undefined>) => {
    try {
      return expandWord(text, (name) => env.get(name), { escape: ctx.escape });
    } catch (error) {
      throw fail(error instanceof Error ? error.message : String(error));
    }
  };
  if (word(stage.from.image, globals) !== 'scratch') throw fail('SOURCE_DATE_EPOCH stage must use FROM scratch');
  const env = new Map(globals);
  let source: RemoteSource | undefined;
  for (const ins of stage.instructions) {
    if (ins.kind === 'ARG') {
      for (const arg of ins.args) {
        const given = ctx.options.buildArgs[arg.name];
        if (given !== undefined) env.set(arg.name, given);
        else if (arg.default !== undefined) env.set(arg.name, word(arg.default, env));
      }
    } else if (ins.kind === 'ADD') {
      if (source !== undefined) throw fail('SOURCE_DATE_EPOCH stage must contain exactly one remote ADD');
      source = remoteSource(ins, env, word, fail);
    } else {
      const keyword = ins.original.trim().split(/\s/, 1)[0] ?? ins.kind;
      throw fail(`SOURCE_DATE_EPOCH stage does not meet source-only requirements: unsupported ${keyword} instruction`);
    }
  }
  if (source === undefined) throw fail('SOURCE_DATE_EPOCH stage must contain exactly one remote ADD');
  return source;
}

interface RemoteSource {
  url: string;
  checksum?: string;
}

function remoteSource(
  ins: AddInstruction,
  env: ReadonlyMap<string, string | undefined>,
  word: (text: string, env: ReadonlyMap<string, string | undefined>) => string,
  fail: (message: string) => Error,
): RemoteSource {
  const [first] = ins.sources;
  if (ins.heredocs.length > 0 || ins.sources.length !== 1 || first === undefined) {
    throw fail('SOURCE_DATE_EPOCH stage must contain exactly one remote ADD source');
  }
  const url = word(first, env);
  const checksum = ins.checksum === undefined ? undefined : word(ins.checksum, env);
  if (/^https?:\/\//i.test(url) || isGitSource(url)) return { url, ...(checksum ? { checksum } : {}) };
  throw fail('SOURCE_DATE_EPOCH stage source must be a single HTTP(S) or Git ADD');
}

/**
 * Build args and global ARGs with SOURCE_DATE_EPOCH as resolved (BuildKit's setBuildArgValue):
 * whole seconds, or removed when it resolved to no date. Unchanged when none was set.
 */
export function withResolvedEpoch(
  buildArgs: Readonly<Record<string, string>>, globals: ReadonlyMap<string, string | undefined>, epoch: number | undefined,
): { buildArgs: Record<string, string>; globals: Map<string, string | undefined> } {
  const given = buildArgs[SOURCE_DATE_EPOCH] !== undefined;
  const global = globals.get(SOURCE_DATE_EPOCH);
  const args = { ...buildArgs };
  const values = new Map(globals);
  if (!given && (global === undefined || global === '')) return { buildArgs: args, globals: values };
  if (given) {
    if (epoch === undefined) delete args[SOURCE_DATE_EPOCH];
    else args[SOURCE_DATE_EPOCH] = String(epoch);
  }
  if (values.has(SOURCE_DATE_EPOCH)) {
    if (epoch === undefined) values.delete(SOURCE_DATE_EPOCH);
    else values.set(SOURCE_DATE_EPOCH, String(epoch));
  }
  return { buildArgs: args, globals: values };
}

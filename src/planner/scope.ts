// Variable scopes: the global (FROM-line) scope and per-stage ARG/ENV lookups, and word expansion
// that reports undefined variables for the UndefinedVar / UndefinedArgInFrom checks.
import { DockerfileSyntaxError, TsbuildError } from '../errors.js';
import { closestMatch, expandWords, expandWordWithMatches } from '../parser/index.js';
import type { ExpansionResult, VariableLookup, SourceRange } from '../parser/index.js';
import { PLATFORM_ARG_NAMES } from './platform.js';
import type { PlanContext } from './context.js';
import type { StageState } from './stage-state.js';

/** Proxy ARGs that are predefined: usable without ARG and excluded from history. */
export const PROXY_ARG_NAMES = [
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy',
  'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
] as const;

const NON_ENV_NAMES = new Set<string>([...PLATFORM_ARG_NAMES, 'TARGETSTAGE']);

/** Splits `KEY=VALUE` entries into a map (last one wins). */
export function envToMap(env: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of env) {
    const eq = entry.indexOf('=');
    map.set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? '' : entry.slice(eq + 1));
  }
  return map;
}

/** Lookup for stage instructions: ENV (image env included) wins over ARG values. */
export function stageLookup(state: StageState): VariableLookup {
  const env = envToMap(state.config.Env ?? []);
  return (name) => env.get(name) ?? state.args.get(name) ?? undefined;
}

/** Expands one word in a stage; undefined variables become UndefinedVar warnings. */
export function expandInStage(
  ctx: PlanContext,
  state: StageState,
  word: string,
  range: SourceRange,
  escape: '\\' | '`' = ctx.escape,
): string {
  const result = expandAt(ctx, word, stageLookup(state), range, escape);
  if (state.baseResolved) {
    const known = [...envToMap(state.config.Env ?? []).keys(), ...state.args.keys()];
    for (const name of result.unmatched) {
      if (state.args.has(name) || NON_ENV_NAMES.has(name)) continue;
      const hint = closestMatch(name, known, { caseSensitive: true });
      ctx.warn('UndefinedVar', `Usage of undefined variable '$${name}'${hint ? ` (did you mean $${hint}?)` : ''}`, range);
    }
  }
  return result.value;
}

/** Expands a word, turning expansion errors (`${X:?}`) into errors naming the line. */
export function expandAt(
  ctx: PlanContext,
  word: string,
  lookup: VariableLookup,
  range: SourceRange,
  escape: '\\' | '`' = ctx.escape,
) {
  let result: ExpansionResult;
  try {
    result = expandWordWithMatches(word, lookup, { escape });
  } catch (error) {
    if (error instanceof DockerfileSyntaxError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DockerfileSyntaxError(message, ctx.at(range), {
      code: error instanceof TsbuildError ? error.code : 'PLAN_INVALID',
      cause: error,
    });
  }
  if (result.matched.size > 0) ctx.countExpanded(result.value.length, range);
  return result;
}

/** Expands and splits into words (EXPOSE, VOLUME), reporting undefined variables once. */
export function expandWordsInStage(ctx: PlanContext, state: StageState, word: string, range: SourceRange): string[] {
  expandInStage(ctx, state, word, range);
  return expandWords(word, stageLookup(state), { escape: ctx.escape });
}

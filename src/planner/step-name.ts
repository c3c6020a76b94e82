// What progress output calls a RUN, COPY or ADD step: BuildKit's custom name (dockerfile2llb
// processCmdEnv + uppercaseCmd), the instruction with the variables in scope expanded, quotes kept
// and unset references left as written, its keyword upper-cased; for RUN, the env var of a secret
// mount shown as `****` (withSecretEnvMask).
import { expandWord, type VariableLookup } from '../parser/index.js';
import type { PlanContext } from './context.js';
import { envToMap, stageLookup } from './scope.js';
import type { StageState } from './stage-state.js';
import type { PlannedMount } from './types.js';

const SECRET_MASK = '****';

/** A RUN's name: `written` expanded with its process env (`KEY=value`), secret env vars masked. */
export function runStepName(
  written: string, env: readonly string[], mounts: readonly PlannedMount[], escape: PlanContext['escape'],
): string {
  const values = envToMap(env);
  for (const mount of mounts) if (mount.type === 'secret' && mount.env !== undefined) values.set(mount.env, SECRET_MASK);
  return expandedName(written, (name) => values.get(name), escape);
}

/** A COPY's or ADD's name: `written` expanded with the stage's ENV and ARG values (ENV wins). */
export function copyStepName(written: string, state: StageState, escape: PlanContext['escape']): string {
  return expandedName(written, stageLookup(state), escape);
}

/** As written when expansion fails, as in BuildKit. */
function expandedName(written: string, lookup: VariableLookup, escape: PlanContext['escape']): string {
  let name = written;
  try {
    name = expandWord(written, lookup, { escape, rawQuotes: true, skipUnset: true });
  } catch {
    // BuildKit shows the instruction as written
  }
  const space = name.indexOf(' ');
  return space < 0 ? name.toUpperCase() : name.slice(0, space).toUpperCase() + name.slice(space);
}

// What progress output calls a RUN step: BuildKit's custom name (dockerfile2llb dispatchRun), the
// instruction with the variables in scope expanded, quotes kept and unset references left as
// written, and the env var of a secret mount shown as `****` (withSecretEnvMask).
import { expandWord } from '../parser/index.js';
import type { PlanContext } from './context.js';
import { envToMap } from './scope.js';
import type { PlannedMount } from './types.js';

const SECRET_MASK = '****';

/** `written` expanded with `env` (`KEY=value`); as written when expansion fails, as in BuildKit. */
export function runStepName(
  written: string, env: readonly string[], mounts: readonly PlannedMount[], escape: PlanContext['escape'],
): string {
  const values = envToMap(env);
  for (const mount of mounts) if (mount.type === 'secret' && mount.env !== undefined) values.set(mount.env, SECRET_MASK);
  try {
    return expandWord(written, (name) => values.get(name), { escape, rawQuotes: true, skipUnset: true });
  } catch {
    return written;
  }
}

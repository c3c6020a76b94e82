// docker's `--ulimit name=soft[:hard]` (go-units ParseUlimit): its names, its parsing and its
// messages. -1 is unlimited (RLIM_INFINITY); a missing hard limit equals the soft one.
import { TsbuildError } from '../errors.js';

/** go-units' names (`as` is left out there too), each an RLIMIT_* of setrlimit(2). */
export const ULIMIT_NAMES = [
  'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime',
  'sigpending', 'stack',
] as const;

export type UlimitName = (typeof ULIMIT_NAMES)[number];

/** One rlimit: counts as setrlimit takes them (`stack` in bytes, `cpu` in seconds); -1 is unlimited. */
export interface Ulimit {
  name: UlimitName;
  soft: number;
  hard: number;
}

/** Parses `nofile=1024:2048`, `core=-1`, `nproc=512`; throws a USAGE TsbuildError with docker's wording. */
export function parseUlimit(text: string): Ulimit {
  const eq = text.indexOf('=');
  if (eq < 0) throw usage(`invalid ulimit argument: ${text}`);
  const name = text.slice(0, eq);
  const values = text.slice(eq + 1).split(':');
  if (values.length > 2) throw usage(`too many limit value arguments - ${text.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``);
  const soft = limitValue(values[0]!, text);
  const ulimit = { name: name as UlimitName, soft, hard: values.length === 2 ? limitValue(values[1]!, text) : soft };
  checkUlimit(ulimit);
  return ulimit;
}

/** Repeated `--ulimit` flags: a later one of the same name replaces the earlier (docker's UlimitOpt). */
export function parseUlimits(texts: string[]): Ulimit[] {
  const byName = new Map<string, Ulimit>();
  for (const text of texts) {
    const ulimit = parseUlimit(text);
    byName.set(ulimit.name, ulimit);
  }
  return [...byName.values()];
}

/** The rules of a ulimit however it was given (a flag, or the Node API's objects). */
export function checkUlimit(ulimit: Ulimit): void {
  if (!(ULIMIT_NAMES as readonly string[]).includes(ulimit.name)) {
    throw usage(`invalid ulimit type: ${ulimit.name} (one of ${ULIMIT_NAMES.join(', ')})`);
  }
  for (const value of [ulimit.soft, ulimit.hard]) {
    if (!Number.isSafeInteger(value) || value < -1) throw usage(`invalid ulimit ${ulimit.name} value ${value}: a whole number from 0 to 2^53-1, or -1 for unlimited`);
  }
  const { soft, hard } = ulimit;
  if (hard !== -1 && soft === -1) {
    throw usage(`ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: ${hard}`);
  }
  if (hard !== -1 && soft > hard) throw usage(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
}

function limitValue(text: string, flag: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw usage(`invalid ulimit value "${text}" in ${flag}: expected a whole number, or -1 for unlimited`);
  return Number(text);
}

function usage(message: string): TsbuildError {
  return new TsbuildError('USAGE', message);
}

// Go's time.ParseDuration (`1m30s`, `.5s`, `1.5h`, `-2h45m`), which BuildKit uses to read
// HEALTHCHECK intervals and Docker uses for `prune --filter until=`. Go's rules, Go's messages:
// the value is an integer count of nanoseconds, fractions truncated, larger than 2^63-1 refused.
import { TsbuildError } from '../errors.js';

const UNIT_NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX = 1n << 63n;

/** Nanoseconds in a Go duration string; throws a USAGE TsbuildError with Go's message. */
export function parseGoDuration(text: string): number {
  const invalid = (message = `time: invalid duration ${goQuote(text)}`) => new TsbuildError('USAGE', message);
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let total = 0n;
  while (rest !== '') {
    // A number ([0-9]* with an optional .[0-9]*, at least one digit), then a unit (up to the next [0-9.]).
    const match = /^(\d*)(?:\.(\d*))?/.exec(rest);
    const [number = '', whole = '', fraction] = match ?? [];
    if (whole === '' && (fraction ?? '') === '') throw invalid();
    rest = rest.slice(number.length);
    const unitLength = rest.search(/[\d.]/);
    const unit = unitLength === -1 ? rest : rest.slice(0, unitLength);
    if (unit === '') throw invalid(`time: missing unit in duration ${goQuote(text)}`);
    rest = rest.slice(unit.length);
    const scale = UNIT_NANOS[unit];
    if (scale === undefined) throw invalid(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(text)}`);
    let value = BigInt(whole || '0') * scale;
    if (fraction) value += BigInt(Math.trunc(Number(`0.${fraction}`) * Number(scale)));
    total += value;
    if (value > MAX || total > MAX) throw invalid();
  }
  if (!negative && total > MAX - 1n) throw invalid();
  return Number(negative ? -total : total);
}

/** Go's %q for the ASCII texts durations are made of. */
function goQuote(text: string): string {
  return JSON.stringify(text);
}

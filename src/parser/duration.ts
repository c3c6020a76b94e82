// Go's time.ParseDuration, which BuildKit uses to read HEALTHCHECK intervals.

const UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  'μs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Nanoseconds in a Go duration string (`1m30s`, `1.5h`, `0`); throws Go's error text. */
export function parseGoDuration(text: string): number {
  const invalid = (): Error => new Error(`time: invalid duration "${text}"`);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let total = 0;
  while (rest !== '') {
    const match = /^(\d*)(?:\.(\d*))?([^\d.]*)/.exec(rest);
    if (!match || (match[1] === '' && (match[2] ?? '') === '')) throw invalid();
    const unit = match[3];
    if (unit === '') throw new Error(`time: missing unit in duration "${text}"`);
    const scale = UNIT_NANOS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit "${unit}" in duration "${text}"`);
    total += Number(`${match[1] || '0'}.${match[2] || '0'}`) * scale;
    rest = rest.slice(match[0].length);
  }
  return sign * total;
}


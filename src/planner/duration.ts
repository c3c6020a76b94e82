// Go-style durations (`1m30s`, `500ms`) as nanoseconds, for HEALTHCHECK options.
import type { SourceRange } from '../parser/types.js';
import type { PlanContext } from './context.js';

const UNIT_NANOS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

export function parseDuration(ctx: PlanContext, text: string, range: SourceRange): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (text === '0') return 0;
  if (parts.length === 0 || consumed !== text) throw ctx.invalid(`invalid duration "${text}"`, range);
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_NANOS[p[2] ?? 's'] ?? 0), 0));
}

// Content-addressed step ids: sha256 of the canonical JSON of `{ op, inputs }`.
import { createHash } from 'node:crypto';
import type { Op, StepId } from './types.js';

/** JSON with object keys sorted at every level and `undefined` members dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function stepIdOf(op: Op, inputs: StepId[]): StepId {
  return `sha256:${createHash('sha256').update(canonicalJson({ op, inputs })).digest('hex')}`;
}

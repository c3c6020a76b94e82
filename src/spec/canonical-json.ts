// Canonical JSON (object keys sorted, `undefined` members dropped, no whitespace): the bytes
// behind every cache key and step ID, so equal values always hash equally. These bytes are
// pinned by test/spec/canonical-json.test.ts: changing them changes every cache key on disk.

export function canonicalJson(value: unknown): string {
  // JSON.stringify writes integer-like keys ("9", "10") first in numeric order, whatever the
  // insertion order; the cache keys on disk were made that way, so it stays.
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) sorted[key] = sortKeys(item);
  }
  return sorted;
}

// Byte sizes as Docker reads them (go-units RAMInBytes): a decimal number, one optional space, an
// optional binary unit letter (k, m, g, t, p; any case) and an optional `i` and/or `b`:
// `512m`, `1.5g`, `64MiB`, `10 GB`, `1024`. Fractions of a byte are dropped.

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** Bytes in `text`, or undefined when it is not such a size (callers word their own errors). */
export function parseRamInBytes(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?) ?([kmgtp]?)i?b?$/i.exec(text);
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * (UNITS[(match[2] ?? '').toLowerCase()] ?? 1));
}

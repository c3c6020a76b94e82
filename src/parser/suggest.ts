// Did-you-mean hints by edit distance (like BuildKit's util/suggest).

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions (`cahce`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate closest to `value` (case-insensitive), if it is close enough to be a typo. */
export function closestMatch(value: string, candidates: readonly string[]): string | undefined {
  const lower = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // BuildKit's suggest.Search: within two edits, no hint when the value matches exactly, and in
  // the value's case when that is all lower or all upper.
  if (best === undefined || bestDistance === 0 || bestDistance > 2) return undefined;
  if (value === value.toLowerCase()) return best.toLowerCase();
  return value === value.toUpperCase() ? best.toUpperCase() : best;
}

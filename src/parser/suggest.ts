// Did-you-mean hints by edit distance (BuildKit's util/suggest Search).

/** Levenshtein distance over code points (agext/levenshtein, which BuildKit's suggest uses). */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/**
 * The candidate closest to `value`, if it is close enough to be a typo: within two edits, the
 * first of equally close ones, none when a candidate matches exactly. Case-insensitive unless
 * `caseSensitive` (BuildKit's UndefinedVar and UndefinedArgInFrom).
 */
export function closestMatch(value: string, candidates: Iterable<string>, options: { caseSensitive?: boolean } = {}): string | undefined {
  const fold = (text: string) => (options.caseSensitive ? text : text.toLowerCase());
  const wanted = fold(value);
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    if (fold(candidate) === wanted) return undefined; // the value is known: the error is about something else
    const distance = editDistance(wanted, fold(candidate));
    if (distance < bestDistance) {
      best = fold(candidate);
      bestDistance = distance;
    }
  }
  // BuildKit's matchCase: a case-insensitive match comes lower-cased, upper-cased for an upper-case value.
  if (best === undefined || options.caseSensitive) return best;
  return value === value.toUpperCase() && value !== value.toLowerCase() ? best.toUpperCase() : best;
}

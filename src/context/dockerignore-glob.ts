// Go's path/filepath Clean, Dir and Match (Unix flavour), ported exactly: .dockerignore patterns
// and COPY source wildcards follow these rules, not gitignore's or minimatch's.

/** Thrown for a malformed pattern, like Go's `filepath.ErrBadPattern`. */
export class BadPatternError extends Error {
  constructor(readonly pattern: string) {
    super(`syntax error in pattern: ${JSON.stringify(pattern)}`);
    this.name = 'BadPatternError';
  }
}

/** Go `filepath.Clean`: lexical normalisation of `.`, `..`, repeated and trailing slashes. */
export function goClean(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') out.push(part);
    else if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (!rooted) out.push('..');
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** True when `pattern` has a character `filepath.Match` treats specially. */
export function hasGlobMeta(pattern: string): boolean {
  return /[*?[\\]/.test(pattern);
}

/** Go `filepath.Match`: `*` and `?` never cross `/`, `[...]` classes, `\` escapes. */
export function goMatch(pattern: string, name: string): boolean {
  let pat = Array.from(pattern);
  let rest = Array.from(name);
  nextChunk: while (pat.length > 0) {
    const { star, chunk, tail } = scanChunk(pat);
    pat = tail;
    if (star && chunk.length === 0) return !rest.includes('/');
    const here = matchChunk(chunk, rest);
    if (here !== undefined && (here.length === 0 || pat.length > 0)) {
      rest = here;
      continue;
    }
    if (star) {
      for (let i = 0; i < rest.length && rest[i] !== '/'; i++) {
        const skipped = matchChunk(chunk, rest.slice(i + 1));
        if (skipped === undefined || (pat.length === 0 && skipped.length > 0)) continue;
        rest = skipped;
        continue nextChunk;
      }
    }
    validateRemainder(pat);
    return false;
  }
  return rest.length === 0;
}

/** Throws BadPatternError when `pattern` is malformed (Go: `filepath.Match(p, ".")`'s error). */
export function validateGoPattern(pattern: string): void {
  goMatch(pattern, '.');
}

function validateRemainder(pattern: string[]): void {
  let pat = pattern;
  while (pat.length > 0) {
    const { chunk, tail } = scanChunk(pat);
    pat = tail;
    matchChunk(chunk, []);
  }
}

function scanChunk(pattern: string[]): { star: boolean; chunk: string[]; tail: string[] } {
  let start = 0;
  while (start < pattern.length && pattern[start] === '*') start++;
  let inRange = false;
  let i = start;
  scan: for (; i < pattern.length; i++) {
    switch (pattern[i]) {
      case '\\':
        if (i + 1 < pattern.length) i++;
        break;
      case '[':
        inRange = true;
        break;
      case ']':
        inRange = false;
        break;
      case '*':
        if (!inRange) break scan;
    }
  }
  return { star: start > 0, chunk: pattern.slice(start, i), tail: pattern.slice(i) };
}

/** Returns the unmatched rest of `s`, or undefined when the chunk does not match. */
function matchChunk(chunk: string[], s: string[]): string[] | undefined {
  const bad = (): never => {
    throw new BadPatternError(chunk.join(''));
  };
  let failed = false;
  let si = 0;
  let ci = 0;
  while (ci < chunk.length) {
    if (!failed && si >= s.length) failed = true;
    const c = chunk[ci]!;
    if (c === '[') {
      const r = failed ? '' : s[si++]!;
      ci = matchClass(chunk, ci + 1, r, bad, (hit) => {
        if (!hit) failed = true;
      });
    } else if (c === '?') {
      if (!failed && s[si++] === '/') failed = true;
      ci++;
    } else {
      if (c === '\\' && ++ci >= chunk.length) bad();
      if (!failed && chunk[ci] !== s[si++]) failed = true;
      ci++;
    }
  }
  return failed ? undefined : s.slice(si);
}

/** Parses one `[...]` class starting after `[`; reports whether `r` is in it; returns the next index. */
function matchClass(chunk: string[], start: number, r: string, bad: () => never, report: (hit: boolean) => void): number {
  let ci = start;
  let negated = false;
  if (chunk[ci] === '^') {
    negated = true;
    ci++;
  }
  let match = false;
  for (let ranges = 0; ; ranges++) {
    if (chunk[ci] === ']' && ranges > 0) {
      ci++;
      break;
    }
    const lo = classChar(chunk, ci, bad);
    let hi = lo;
    ci = lo.next;
    if (chunk[ci] === '-') {
      hi = classChar(chunk, ci + 1, bad);
      ci = hi.next;
    }
    const code = r === '' ? -1 : r.codePointAt(0)!;
    if (lo.code <= code && code <= hi.code) match = true;
  }
  report(match !== negated);
  return ci;
}

function classChar(chunk: string[], at: number, bad: () => never): { code: number; next: number } {
  let i = at;
  if (i >= chunk.length || chunk[i] === '-' || chunk[i] === ']') bad();
  if (chunk[i] === '\\' && ++i >= chunk.length) bad();
  const code = chunk[i]!.codePointAt(0)!;
  if (i + 1 >= chunk.length) bad();
  return { code, next: i + 1 };
}

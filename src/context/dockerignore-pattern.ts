// One .dockerignore pattern compiled the way moby/patternmatcher compiles it: exact, prefix
// (`dir/**`), suffix (`**/x`) or a regular expression where `*` and `?` stop at `/` and `**` spans
// directories. Quirks kept on purpose, e.g. `**file` also matches `myfile` (a plain suffix test).
import { BadPatternError, goClean, validateGoPattern } from '../context/dockerignore-glob.js';

type MatchKind = 'exact' | 'prefix' | 'suffix' | 'regexp';

/** Characters that are literal in filepath.Match but special in a regular expression. */
const REGEXP_SPECIAL = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);
/** Go's regexp `.`: any character but a newline. */
const ANY = '[^\\n]';

export class IgnorePattern {
  /** The cleaned pattern without its leading `!`. */
  readonly pattern: string;
  /** True for a `!` exception, which re-includes what earlier patterns excluded. */
  readonly exclusion: boolean;
  #kind: MatchKind | undefined;
  #regexp: RegExp | undefined;

  /** Trims, cleans and validates one raw pattern (moby/patternmatcher `New`). */
  constructor(raw: string) {
    let pattern = goClean(raw.trim());
    this.exclusion = pattern.startsWith('!');
    if (this.exclusion) {
      if (pattern.length === 1) throw new Error('illegal exclusion pattern: "!"');
      pattern = pattern.slice(1);
    }
    validateGoPattern(pattern);
    this.pattern = pattern;
  }

  /** True when this pattern has wildcards (it is more than a literal path). */
  get hasWildcards(): boolean {
    return /[*?[\\]/.test(this.pattern);
  }

  /** Matches the whole slash-separated path (not its parents). Throws BadPatternError lazily. */
  matches(path: string): boolean {
    const kind = this.#kind ?? this.#compile();
    switch (kind) {
      case 'exact':
        return path === this.pattern;
      case 'prefix':
        return path.startsWith(this.pattern.slice(0, -2));
      case 'suffix': {
        const suffix = this.pattern.slice(2);
        return path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1));
      }
      case 'regexp':
        return this.#regexp!.test(path);
      default: {
        const unhandled: never = kind;
        return unhandled;
      }
    }
  }

  #compile(): MatchKind {
    const { kind, source } = translate(Array.from(this.pattern));
    if (kind === 'regexp') {
      try {
        this.#regexp = new RegExp(`^${source}$`, 'u');
      } catch {
        throw new BadPatternError(this.pattern);
      }
    }
    this.#kind = kind;
    return kind;
  }
}

/** patternmatcher's `compile`: the match kind and, for `regexp`, the expression body. */
function translate(chars: string[]): { kind: MatchKind; source: string } {
  let kind: MatchKind = 'exact';
  let source = '';
  let inClass = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*' && chars[i + 1] === '*') {
      const first = i === 0;
      i++;
      if (chars[i + 1] === '/') i++;
      if (i + 1 >= chars.length) {
        if (kind === 'exact') kind = 'prefix';
        else [kind, source] = ['regexp', source + `${ANY}*`];
      } else [kind, source] = ['regexp', source + `(${ANY}*/)?`];
      if (first) kind = 'suffix';
    } else if (ch === '*') [kind, source] = ['regexp', source + '[^/]*'];
    else if (ch === '?') [kind, source] = ['regexp', source + '[^/]'];
    else if (REGEXP_SPECIAL.has(ch)) source += `\\${ch}`;
    else if (ch === '\\') {
      if (i + 1 < chars.length) [kind, source] = ['regexp', source + literal(chars[++i]!)];
      else source += '\\\\';
    } else if (ch === '[' || ch === ']') {
      // Go's regexp reads a `]` outside a class as a literal; JavaScript's `u` mode rejects it.
      const literalBracket = ch === ']' && !inClass;
      inClass = ch === '[' || (inClass && ch !== ']');
      [kind, source] = ['regexp', source + (literalBracket ? '\\]' : ch)];
    }
    else source += ch;
  }
  return { kind, source };
}

/** An escaped pattern character as a regexp literal valid both inside and outside a class. */
function literal(ch: string): string {
  return `\\u{${ch.codePointAt(0)!.toString(16)}}`;
}

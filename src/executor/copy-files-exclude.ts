// `--exclude` patterns with Docker's matching (Go filepath.Match plus `**`, `!` exceptions, last wins).
import { posix } from 'node:path';

interface CompiledPattern {
  regex: RegExp;
  negated: boolean;
  text: string;
}

export class ExcludeMatcher {
  private readonly patterns: CompiledPattern[];

  constructor(patterns: readonly string[]) {
    this.patterns = patterns
      .map((raw) => raw.trim())
      .filter((raw) => raw !== '')
      .map((raw) => {
        const negated = raw.startsWith('!');
        const text = cleanPattern(negated ? raw.slice(1) : raw);
        return { regex: patternToRegex(text), negated, text };
      });
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  /** Whether `rel` (slash-separated, relative) is excluded: it or one of its parents matched last. */
  excludes(rel: string): boolean {
    const candidates = ancestorsAndSelf(rel);
    let excluded = false;
    for (const pattern of this.patterns) {
      if (candidates.some((candidate) => pattern.regex.test(candidate))) excluded = !pattern.negated;
    }
    return excluded;
  }

  /** Whether an exception (`!pattern`) could re-include something below the excluded dir `rel`. */
  mayIncludeBelow(rel: string): boolean {
    return this.patterns.some(
      (pattern) => pattern.negated && (pattern.text.startsWith(`${rel}/`) || pattern.text.includes('**')),
    );
  }
}

function cleanPattern(pattern: string): string {
  const cleaned = posix.normalize(pattern).replace(/^\/+/, '').replace(/\/+$/, '');
  return cleaned === '.' ? '' : cleaned;
}

function ancestorsAndSelf(rel: string): string[] {
  const parts = rel.split('/');
  return parts.map((_part, i) => parts.slice(0, i + 1).join('/'));
}

/** Go filepath.Match syntax (`*`, `?`, `[...]`, `\` escapes) plus `**` across directories. */
export function patternToRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      const slashAfter = pattern[i + 2] === '/';
      out += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) out += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/^[!^]/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      out += escapeRegex(pattern[++i] as string);
    } else out += escapeRegex(c);
  }
  return new RegExp(`^${out}$`);
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

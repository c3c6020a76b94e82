// .dockerignore with Docker's semantics (moby/patternmatcher + ignorefile): patterns anchored at
// the context root, Go filepath.Match plus `**`, `!` exceptions, last match wins, a matched
// directory excludes everything below it, and `<Dockerfile>.dockerignore` beats the root file.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TsbuildError } from '../errors.js';
import { BadPatternError, goClean } from '../context/dockerignore-glob.js';
import { IgnorePattern } from '../context/dockerignore-pattern.js';

export { IgnorePattern } from '../context/dockerignore-pattern.js';

/**
 * ignorefile.ReadAll: the raw pattern lines of a .dockerignore — BOM and `#` comment lines
 * dropped, lines trimmed, empty lines dropped, each cleaned with a leading `/` removed and a
 * `!` prefix kept. A lone `!` is kept here and rejected by `compilePatterns`.
 */
export function readDockerignoreLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const patterns: string[] = [];
  for (const line of lines) {
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = goClean(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

/** patternmatcher.New: trims, drops empty patterns, cleans and validates the rest. */
export function compilePatterns(patterns: readonly string[], source = '.dockerignore'): IgnorePattern[] {
  const compiled: IgnorePattern[] = [];
  for (const raw of patterns) {
    if (raw.trim() === '') continue;
    try {
      compiled.push(new IgnorePattern(raw));
    } catch (error) {
      const reason = error instanceof BadPatternError ? 'syntax error in pattern' : (error as Error).message;
      throw new TsbuildError('USAGE', `${source}: invalid pattern ${JSON.stringify(raw)}: ${reason}`, { cause: error });
    }
  }
  return compiled;
}

/** Parses .dockerignore text into compiled patterns; throws TsbuildError on a malformed one. */
export function parseDockerignore(text: string, source = '.dockerignore'): IgnorePattern[] {
  return compilePatterns(readDockerignoreLines(text), source);
}

/** Per-pattern "matched this path or one of its parents": lets a walk match in O(patterns). */
export type ParentMatches = readonly boolean[];

export class IgnoreMatcher {
  readonly patterns: readonly IgnorePattern[];
  /** The file the patterns came from, for error messages; undefined when there was none. */
  readonly source: string | undefined;

  constructor(patterns: readonly IgnorePattern[], source?: string) {
    this.patterns = patterns;
    this.source = source;
  }

  get hasExclusions(): boolean {
    return this.patterns.some((p) => p.exclusion);
  }

  /** MatchesOrParentMatches: true when `relPath` (slash-separated, context-relative) is ignored. */
  matches(relPath: string): boolean {
    const parent = parentPrefixes(relPath);
    return this.#decide((p) => this.#test(p, relPath) || parent.some((dir) => this.#test(p, dir)));
  }

  /** Like `matches`, reusing the parent directory's per-pattern results (a walk's fast path). */
  matchesUnder(relPath: string, parent: ParentMatches | undefined): { ignored: boolean; matched: ParentMatches } {
    const matched = this.patterns.map((p, i) => parent?.[i] === true || this.#test(p, relPath));
    return { ignored: this.#decide((_p, i) => matched[i]!), matched };
  }

  /**
   * False only when nothing below the ignored directory `dirRelPath` can be re-included, so a walk
   * may skip it. Like BuildKit's fsutil: any wildcard exception forces a descent.
   */
  mayContainIncluded(dirRelPath: string): boolean {
    const dirSlash = `${dirRelPath}/`;
    return this.patterns.some((p) => p.exclusion && (p.hasWildcards || `${p.pattern}/`.startsWith(dirSlash)));
  }

  #decide(test: (p: IgnorePattern, index: number) => boolean): boolean {
    let ignored = false;
    this.patterns.forEach((p, i) => {
      if (p.exclusion === ignored && test(p, i)) ignored = !p.exclusion;
    });
    return ignored;
  }

  #test(p: IgnorePattern, relPath: string): boolean {
    try {
      return p.matches(relPath);
    } catch (error) {
      throw new TsbuildError('USAGE', `${this.source ?? '.dockerignore'}: invalid pattern ${JSON.stringify(p.pattern)}`, {
        cause: error,
      });
    }
  }
}

/** The parent directories of a path, shortest first (Go: split of filepath.Dir). */
function parentPrefixes(relPath: string): string[] {
  const parent = path.posix.dirname(relPath.endsWith('/') ? `${relPath}x` : relPath);
  if (parent === '.') return [];
  const parts = goClean(parent).split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * The ignore rules for a build: `<Dockerfile>.dockerignore` beside the Dockerfile when it exists,
 * else `<contextDir>/.dockerignore`, else none. A relative `dockerfilePath` is taken from the
 * current directory, like `docker build -f`.
 */
export async function loadIgnoreRules(contextDir: string, dockerfilePath?: string): Promise<IgnoreMatcher> {
  const candidates = [path.join(contextDir, '.dockerignore')];
  if (dockerfilePath !== undefined) candidates.unshift(`${path.resolve(dockerfilePath)}.dockerignore`);
  for (const file of candidates) {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new TsbuildError('USAGE', `cannot read ${file}: ${error.message}`, { cause: error });
    });
    if (text !== undefined) return new IgnoreMatcher(parseDockerignore(text, file), file);
  }
  return new IgnoreMatcher([]);
}

// `--exclude` patterns of COPY/ADD: the same matching as .dockerignore (BuildKit uses one
// patternmatcher for both), relative to the source being copied.
import { compilePatterns, IgnoreMatcher } from '../context/index.js';

export class ExcludeMatcher {
  private readonly matcher: IgnoreMatcher;

  constructor(patterns: readonly string[]) {
    this.matcher = new IgnoreMatcher(compilePatterns(patterns, '--exclude'), '--exclude');
  }

  get empty(): boolean {
    return this.matcher.patterns.length === 0;
  }

  /** Whether `rel` (slash-separated, relative) is excluded: it or one of its parents matched last. */
  excludes(rel: string): boolean {
    return this.matcher.matches(rel);
  }

  /** Whether an exception (`!pattern`) could re-include something below the excluded dir `rel`. */
  mayIncludeBelow(rel: string): boolean {
    return this.matcher.mayContainIncluded(rel);
  }
}

// Conformance: moby/patternmatcher + ignorefile cases (corpus/dockerignore/cases.json) through
// tsbuild's matcher; also prints the `ignore` npm package's score on the same matching cases.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import ignore from 'ignore';
import { compilePatterns, IgnoreMatcher, readDockerignoreLines } from '../../../src/context/dockerignore.js';
import { goClean } from '../../../src/context/dockerignore-glob.js';
import type { ConformanceCorpus, ConformanceResult } from '../types.js';

interface MatchCase {
  patterns: string[];
  path: string;
  expected: boolean;
  expectError?: string;
}
interface NewPatternsCase {
  test: string;
  patterns: string[];
  expectedPatternCount?: number;
  expectedExclusions?: boolean;
  expectError?: string;
  then?: { call: string; path: string; expectError?: string }[];
}
interface CasesFile {
  groups: Record<string, { cases: unknown[] }>;
  ignorefile: { input: string; expected: string[] };
}

/** Groups using MatchesOrParentMatches vs the deprecated package-level Matches. */
const PARENT_GROUPS = ['TestMatches.single', 'TestMatches.multiPattern'];
const LEGACY_GROUPS = ['TestMatch.filepathMatchTests', 'simpleTests'];

type Matcher = (patterns: string[], file: string) => boolean;

/** Deprecated patternmatcher `Matches`: only the parent prefix as deep as the pattern counts. */
const legacyMatches: Matcher = (patterns, rawFile) => {
  const compiled = compilePatterns(patterns);
  const file = goClean(rawFile);
  if (file === '.') return false;
  const parent = path.posix.dirname(file);
  const parentDirs = parent.split('/');
  let matched = false;
  for (const p of compiled) {
    if (p.exclusion !== matched) continue;
    let match = p.matches(file);
    const depth = p.pattern.split('/').length;
    if (!match && parent !== '.' && depth <= parentDirs.length) match = p.matches(parentDirs.slice(0, depth).join('/'));
    if (match) matched = !p.exclusion;
  }
  return matched;
};

const parentMatches: Matcher = (patterns, file) => new IgnoreMatcher(compilePatterns(patterns)).matches(file);

const ignorePackage: Matcher = (patterns, file) => ignore().add(patterns).ignores(file);

function checkMatchCase(name: string, c: MatchCase, match: Matcher, failed: string[]): boolean {
  let actual: boolean | string;
  try {
    actual = match(c.patterns, c.path);
  } catch (error) {
    actual = `error: ${(error as Error).message}`;
  }
  const ok = c.expectError !== undefined ? typeof actual === 'string' : actual === c.expected;
  if (!ok) failed.push(`${name} ${JSON.stringify(c.patterns)} ${JSON.stringify(c.path)}: want ${c.expectError ?? c.expected}, got ${actual}`);
  return ok;
}

function checkNewPatterns(c: NewPatternsCase, failed: string[]): boolean {
  let outcome: string;
  try {
    const matcher = new IgnoreMatcher(compilePatterns(c.patterns));
    if (c.expectError !== undefined) outcome = 'no error';
    else if (c.expectedPatternCount !== undefined && matcher.patterns.length !== c.expectedPatternCount)
      outcome = `${matcher.patterns.length} patterns`;
    else if (c.expectedExclusions !== undefined && matcher.hasExclusions !== c.expectedExclusions) outcome = 'exclusions differ';
    else outcome = (c.then ?? []).every((call) => throwsOn(matcher, call.path)) ? 'ok' : 'a later match did not fail';
  } catch (error) {
    outcome = c.expectError !== undefined ? 'ok' : `error: ${(error as Error).message}`;
  }
  if (outcome !== 'ok') failed.push(`newPatterns ${c.test}: ${outcome}`);
  return outcome === 'ok';
}

function throwsOn(matcher: IgnoreMatcher, file: string): boolean {
  try {
    matcher.matches(file);
    return false;
  } catch {
    return true;
  }
}

function loadCases(corpusRoot: string): CasesFile {
  return JSON.parse(readFileSync(path.join(corpusRoot, 'dockerignore', 'cases.json'), 'utf8')) as CasesFile;
}

function runMatchGroups(cases: CasesFile, legacy: Matcher, current: Matcher): ConformanceResult {
  const result: ConformanceResult = { passed: 0, failed: [] };
  const groups: [string[], Matcher][] = [
    [PARENT_GROUPS, current],
    [LEGACY_GROUPS, legacy],
  ];
  for (const [names, match] of groups)
    for (const name of names)
      for (const c of cases.groups[name]!.cases as MatchCase[])
        if (checkMatchCase(name, c, match, result.failed)) result.passed++;
  return result;
}

/** The `ignore` npm package (gitignore rules) on the same matching cases, for comparison. */
export function runIgnorePackage(corpusRoot: string): ConformanceResult {
  return runMatchGroups(loadCases(corpusRoot), ignorePackage, ignorePackage);
}

/** tsbuild's matcher on every matching, pattern-cleaning and ignore-file case. */
export function runTsbuildMatcher(corpusRoot: string): ConformanceResult {
  const cases = loadCases(corpusRoot);
  const result = runMatchGroups(cases, legacyMatches, parentMatches);
  for (const c of cases.groups.newPatterns!.cases as NewPatternsCase[]) if (checkNewPatterns(c, result.failed)) result.passed++;
  const lines = readDockerignoreLines(cases.ignorefile.input);
  if (isDeepStrictEqual(lines, cases.ignorefile.expected)) result.passed++;
  else result.failed.push(`ignorefile: got ${JSON.stringify(lines)}`);
  return result;
}

export const corpus: ConformanceCorpus = {
  name: 'dockerignore',
  async run(corpusRoot) {
    const pkg = runIgnorePackage(corpusRoot);
    console.log(`dockerignore (ignore pkg): ${pkg.passed} passed, ${pkg.failed.length} failed`);
    return runTsbuildMatcher(corpusRoot);
  },
};

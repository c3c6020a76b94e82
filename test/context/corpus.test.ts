// The moby/patternmatcher corpus must pass completely; the `ignore` package is measured for contrast.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { runIgnorePackage, runTsbuildMatcher } from '../conformance/corpora/dockerignore.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpusRoot = process.env.TSBUILD_CORPUS ?? path.resolve(here, '../../../shared/corpus');
/** Total cases tsbuild checks in cases.json (137 matching + 7 pattern-cleaning + 1 ignore file). */
const EXPECTED_CASES = 145;

test.runIf(existsSync(corpusRoot))('dockerignore corpus: every case passes', () => {
  const result = runTsbuildMatcher(corpusRoot);
  expect(result.failed).toEqual([]);
  expect(result.passed).toBe(EXPECTED_CASES);
});

test.runIf(existsSync(corpusRoot))('the `ignore` package (gitignore rules) does not reach Docker semantics', () => {
  const result = runIgnorePackage(corpusRoot);
  expect(result.failed.length).toBeGreaterThan(0);
});

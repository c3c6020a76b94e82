// Runs BuildKit's own shell-lexer tables (peer corpus buildkit-shell/) and requires every case to
// pass. The corpus is located via $TSBUILD_CORPUS or ../../../shared/corpus; if neither exists
// this file fails loudly rather than skipping.
import { describe, expect, test } from 'vitest';
import { corpusAvailable, defaultCorpusRoot } from './corpus-cases.js';
import { shellCorpusCases } from './corpus-checks.js';

const root = defaultCorpusRoot();
const available = corpusAvailable(root);

/** envVarTest A+U lines (228) + wordsTest (24) + processWithMatches.json sections (63). */
const MINIMUM_CASES = 315;

test(`the buildkit-shell corpus exists at ${root}`, () => {
  expect(available).toBe(true);
});

describe.runIf(available)('buildkit-shell corpus', () => {
  const cases = available ? shellCorpusCases(root) : [];

  test('contains every table', () => {
    expect(cases.length).toBeGreaterThanOrEqual(MINIMUM_CASES);
  });

  test.each(cases.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
    expect(entry.run()).toBeUndefined();
  });
});

// Ratchet: the parser's pass counts on the shared corpus must not drop below what was
// achieved (all cases at the time of writing). Runs when the corpus is present.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { tally } from './corpus-case.js';
import { astCorpusCases } from './corpus-checks-ast.js';
import { instructionCorpusCases } from './corpus-checks-instructions.js';
import { realWorldCorpusCases } from './corpus-checks-real-world.js';
import { tableCorpusCases } from './corpus-checks-tables.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpusRoot = process.env.TSBUILD_CORPUS ?? path.resolve(here, '../../../shared/corpus');

const ratchet = [
  { name: 'buildkit-parser', minimum: 143, cases: () => [...astCorpusCases(corpusRoot), ...tableCorpusCases(corpusRoot)] },
  { name: 'buildkit-instructions', minimum: 43, cases: () => instructionCorpusCases(corpusRoot) },
  { name: 'real-world', minimum: 62, cases: () => realWorldCorpusCases(corpusRoot) },
];

describe.runIf(existsSync(corpusRoot))('parser conformance ratchet', () => {
  test.each(ratchet)('$name passes at least $minimum cases', ({ cases, minimum }) => {
    const result = tally(cases());
    expect(result.failed).toEqual([]);
    expect(result.passed).toBeGreaterThanOrEqual(minimum);
  });
});

// Conformance: BuildKit's shell-word expansion tables (envVarTest, wordsTest,
// processWithMatches.json) run against src/parser/shell-words.ts.
import { shellCorpusCases } from '../../shell-words/corpus-checks.js';
import type { ConformanceCorpus, ConformanceResult } from '../types.js';

export const corpus: ConformanceCorpus = {
  name: 'buildkit-shell',
  run(corpusRoot: string): Promise<ConformanceResult> {
    const result: ConformanceResult = { passed: 0, failed: [] };
    for (const testCase of shellCorpusCases(corpusRoot)) {
      const failure = testCase.run();
      if (failure === undefined) result.passed += 1;
      else result.failed.push(`${testCase.name}: ${failure}`);
    }
    return Promise.resolve(result);
  },
};

// Conformance: every real-world Dockerfile of the corpus parses into typed stages.
import { tally } from '../../parser/corpus-case.js';
import { realWorldCorpusCases } from '../../parser/corpus-checks-real-world.js';
import type { ConformanceCorpus, ConformanceResult } from '../types.js';

export const corpus: ConformanceCorpus = {
  name: 'real-world-dockerfiles',
  run(corpusRoot: string): Promise<ConformanceResult> {
    return Promise.resolve(tally(realWorldCorpusCases(corpusRoot)));
  },
};

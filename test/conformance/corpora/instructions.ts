// Conformance: typed instruction parsing against buildkit-instructions/instructions.json.
import { tally } from '../../parser/corpus-case.js';
import { instructionCorpusCases } from '../../parser/corpus-checks-instructions.js';
import type { ConformanceCorpus, ConformanceResult } from '../types.js';

export const corpus: ConformanceCorpus = {
  name: 'buildkit-instructions',
  run(corpusRoot: string): Promise<ConformanceResult> {
    return Promise.resolve(tally(instructionCorpusCases(corpusRoot)));
  },
};

// Conformance: the Dockerfile AST parser against buildkit-parser/ (testfiles dumps,
// negative files, line numbers and the transcribed tables).
import { astCorpusCases } from '../../parser/corpus-checks-ast.js';
import { tally } from '../../parser/corpus-case.js';
import { tableCorpusCases } from '../../parser/corpus-checks-tables.js';
import type { ConformanceCorpus, ConformanceResult } from '../types.js';

export const corpus: ConformanceCorpus = {
  name: 'buildkit-parser',
  run(corpusRoot: string): Promise<ConformanceResult> {
    return Promise.resolve(tally([...astCorpusCases(corpusRoot), ...tableCorpusCases(corpusRoot)]));
  },
};

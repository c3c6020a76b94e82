// Conformance check: every real-world Dockerfile in the corpus parses without error.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDockerfile } from '../../src/parser/index.js';
import { type CorpusCase, check } from './corpus-case.js';

export function realWorldCorpusCases(corpusRoot: string): CorpusCase[] {
  const root = path.join(corpusRoot, 'real-world');
  const index = JSON.parse(readFileSync(path.join(root, 'index.json'), 'utf8')) as { files: { file: string }[] };
  return index.files.map(({ file }) =>
    check(file, () => {
      const parsed = parseDockerfile(readFileSync(path.join(root, file), 'utf8'), { file });
      return parsed.stages.length > 0 ? undefined : 'no stages';
    }),
  );
}

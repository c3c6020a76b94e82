// `npm run conformance`: measures tsbuild against the peer test data in ../shared/corpus and
// prints one `name: N passed, M failed` line per corpus. Each module in ./corpora/ exports a
// `corpus: ConformanceCorpus`. Exits 0 whatever the pass rate (it is a measurement); exits 1
// only when a corpus cannot be run at all.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import type { ConformanceCorpus } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpusRoot = process.env.TSBUILD_CORPUS ?? path.resolve(here, '../../../shared/corpus');
const verbose = process.argv.includes('--verbose');

if (!existsSync(corpusRoot)) {
  console.log(`conformance: ${corpusRoot} not found; nothing measured`);
  process.exit(0);
}

let broken = false;
const modules = readdirSync(path.join(here, 'corpora')).filter((f) => f.endsWith('.ts')).sort();
for (const file of modules) {
  const { corpus } = (await import(pathToFileURL(path.join(here, 'corpora', file)).href)) as {
    corpus: ConformanceCorpus;
  };
  try {
    const result = await corpus.run(corpusRoot);
    console.log(`${corpus.name}: ${result.passed} passed, ${result.failed.length} failed`);
    for (const failure of verbose ? result.failed : result.failed.slice(0, 5)) console.log(`  - ${failure}`);
  } catch (error) {
    broken = true;
    console.log(`${corpus.name}: could not run: ${error instanceof Error ? error.stack : String(error)}`);
  }
}
process.exitCode = broken ? 1 : 0;

// `npm run conformance`: measures tsbuild against the peer test data in ../shared/corpus and
// BuildKit's ported frontend tests, and prints one `name: N passed, M failed` line per corpus.
// Each module in ./corpora/ exports a `corpus: ConformanceCorpus`. Exits 1 when a corpus cannot
// be run at all or a corpus with a ratchet (a list of expected failures) breaks it; otherwise 0
// whatever the pass rate (the peer corpora are a measurement).
// `--only <name>` runs one corpus; `--verbose` lists every failure.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import type { ConformanceCorpus } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpusRoot = process.env.TSBUILD_CORPUS ?? path.resolve(here, '../../../shared/corpus');
const verbose = process.argv.includes('--verbose');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
const haveCorpus = existsSync(corpusRoot);
if (!haveCorpus) console.log(`conformance: ${corpusRoot} not found; the peer corpora are not measured`);

let broken = false;
const modules = readdirSync(path.join(here, 'corpora')).filter((f) => f.endsWith('.ts')).sort();
for (const file of modules) {
  const { corpus } = (await import(pathToFileURL(path.join(here, 'corpora', file)).href)) as {
    corpus: ConformanceCorpus;
  };
  if (only !== undefined && corpus.name !== only) continue;
  if (corpus.needsCorpus !== false && !haveCorpus) continue;
  try {
    const result = await corpus.run(corpusRoot);
    console.log(`${corpus.name}: ${result.passed} passed, ${result.failed.length} failed`);
    for (const failure of verbose ? result.failed : result.failed.slice(0, 5)) console.log(`  - ${failure}`);
    for (const note of result.notes ?? []) console.log(`  ${note}`);
    if (result.violations?.length) {
      broken = true;
      console.log(`${corpus.name}: ratchet broken:`);
      for (const violation of result.violations) console.log(`  ! ${violation}`);
    }
  } catch (error) {
    broken = true;
    console.log(`${corpus.name}: could not run: ${error instanceof Error ? error.stack : String(error)}`);
  }
}
process.exitCode = broken ? 1 : 0;

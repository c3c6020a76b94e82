// `npm run bench`: builds the same scenarios with tsbuild, BuildKit and buildah on this machine
// and prints median wall times, ratios against the targets and peak RSS; writes the JSON record.
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname, loadavg } from 'node:os';
import path from 'node:path';
import { parseBenchArgs, USAGE, type BenchOptions } from './args.js';
import { startRegistryWithBase, type LocalRegistry } from './base-image.js';
import { createBuilder, type VersionedBuilder } from './builders/index.js';
import { buildJsonReport, renderFailures, renderMarkdown, resultFileName, type ReportMeta } from './report.js';
import { runRounds, unavailableSamples } from './runner.js';
import { generateScenarios } from './scenarios.js';
import { makeScratchDir, removeTree } from './scratch-dir.js';
import { summarize } from './stats.js';
import type { Sample } from './types.js';

const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

async function prepareBuilders(options: BenchOptions, meta: ReportMeta): Promise<VersionedBuilder[]> {
  const ready: VersionedBuilder[] = [];
  for (const name of options.builders) {
    const builder = createBuilder(name, options);
    try {
      await builder.prepare();
      meta.versions[name] = builder.version;
      log(`${name}: ${builder.version}`);
      ready.push(builder);
    } catch (err) {
      meta.unavailable[name] = (err as Error).message;
      log(`${name}: not available: ${(err as Error).message}`);
      await builder.teardown().catch(() => undefined);
    }
  }
  return ready;
}

async function benchmark(options: BenchOptions, workDir: string, cleanups: Array<() => Promise<void>>): Promise<void> {
  const meta: ReportMeta = {
    date: new Date().toISOString(),
    host: hostname(),
    rounds: options.rounds,
    builders: options.builders,
    versions: {},
    unavailable: {},
    loadAverage: { start: loadavg() },
  };
  log('starting docker-registry and pushing the busybox base image');
  const registry: LocalRegistry = await startRegistryWithBase(workDir);
  cleanups.push(() => registry.stop());
  log(`generating scenarios FROM ${registry.baseImage}`);
  const scenarios = generateScenarios(path.join(workDir, 'scenarios'), options.scenarios, registry.baseImage);
  const builders = await prepareBuilders(options, meta);
  for (const builder of builders) cleanups.push(() => builder.teardown());
  const samples: Sample[] = [];
  for (const [name, why] of Object.entries(meta.unavailable)) samples.push(...unavailableSamples(name as Sample['builder'], scenarios, why));
  samples.push(...(await runRounds(builders, scenarios, options.rounds, log)));
  meta.loadAverage.end = loadavg();
  writeResults(options, meta, samples);
}

/** Prints the table (stdout) and writes the JSON record to `<outDir>/<date>.json`. */
function writeResults(options: BenchOptions, meta: ReportMeta, samples: Sample[]): void {
  const summary = summarize(samples, options.scenarios, options.builders);
  const failures = renderFailures(summary, meta);
  process.stdout.write(`\n${renderMarkdown(summary, options.builders)}\n${failures === '' ? '' : `\n${failures}\n`}`);
  mkdirSync(options.outDir, { recursive: true });
  const file = path.join(options.outDir, resultFileName(new Date(meta.date)));
  writeFileSync(file, `${JSON.stringify(buildJsonReport(meta, summary, samples), null, 2)}\n`);
  const loads = (values: number[] = []): string => values.map((l) => l.toFixed(1)).join(' ');
  log(`wrote ${file} (load average at start ${loads(meta.loadAverage.start)}, at end ${loads(meta.loadAverage.end)})`);
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const workDir = makeScratchDir('work');
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err: Error) => log(`cleanup: ${err.message}`));
    removeTree(workDir);
  };
  process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));
  try {
    await benchmark(options, workDir, cleanups);
  } finally {
    await cleanUp();
  }
}

await main();

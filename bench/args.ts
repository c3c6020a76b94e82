// Command-line options of `npm run bench` (node --import tsx bench/run.ts [options]).
import { parseArgs } from 'node:util';
import { SCENARIO_NAMES, type ScenarioName } from './scenarios.js';
import type { BuilderName } from './types.js';
import type { BuildahIsolation } from './builders/buildah.js';

export const ALL_BUILDERS: readonly BuilderName[] = ['tsbuild', 'buildkit', 'buildah'];

export interface BenchOptions {
  rounds: number;
  scenarios: ScenarioName[];
  builders: BuilderName[];
  buildahIsolation: BuildahIsolation;
  dockerdFlags: string[];
  tsbuildCli?: string;
  outDir: string;
}

export const USAGE = `Usage: npm run bench -- [options]
  --rounds N              rounds of every scenario (default 3)
  --quick                 1 round of the multistage scenario only
  --scenarios a,b         subset of: ${SCENARIO_NAMES.join(', ')}
  --builders a,b          subset of: ${ALL_BUILDERS.join(', ')} (default all)
  --buildah-isolation I   chroot or oci (default chroot)
  --dockerd-flags "..."   extra dockerd flags (also $BENCH_DOCKERD_FLAGS)
  --tsbuild-cli PATH      tsbuild CLI (default dist/cli.js)
  --out DIR               where <date>.json goes (default bench/results)`;

function pickList<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T[] {
  if (value === undefined) return [...allowed];
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new Error(`unknown ${what} "${item}" (expected one of ${allowed.join(', ')})`);
  }
  return items as T[];
}

export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv = {}): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string' },
      quick: { type: 'boolean', default: false },
      scenarios: { type: 'string' },
      builders: { type: 'string' },
      'buildah-isolation': { type: 'string', default: 'chroot' },
      'dockerd-flags': { type: 'string' },
      'tsbuild-cli': { type: 'string' },
      out: { type: 'string', default: 'bench/results' },
    },
  });
  const rounds = values.quick ? 1 : Number(values.rounds ?? '3');
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);
  const isolation = values['buildah-isolation'];
  if (isolation !== 'chroot' && isolation !== 'oci') throw new Error(`--buildah-isolation must be chroot or oci, got ${isolation}`);
  const flags = values['dockerd-flags'] ?? env.BENCH_DOCKERD_FLAGS ?? '';
  const options: BenchOptions = {
    rounds,
    scenarios: values.quick ? ['multistage'] : pickList(values.scenarios, SCENARIO_NAMES, 'scenario'),
    builders: pickList(values.builders, ALL_BUILDERS, 'builder'),
    buildahIsolation: isolation,
    dockerdFlags: flags.split(/\s+/).filter((f) => f !== ''),
    outDir: values.out,
  };
  if (values['tsbuild-cli'] !== undefined) options.tsbuildCli = values['tsbuild-cli'];
  return options;
}

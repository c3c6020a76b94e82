// `node --import tsx bench/startup.ts [--rounds N] [--cli PATH]`: start-up cost of the CLI.
// Times `node -e 0`, `tsbuild --version` and a no-op rebuild of examples/multi-stage (built once
// first over a scratch $TSBUILD_ROOT with a busybox base), interleaved round by round so load
// changes hit all three alike, and prints the medians and the ratios to `node -e 0`.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { makeBusyboxRootfs } from '../test/helpers/busybox.js';
import { makeScratchDir, removeTree } from './scratch-dir.js';
import { median } from './stats.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

const rounds = Number(option('--rounds', '15'));
const cli = path.resolve(option('--cli', path.join(REPO_ROOT, 'dist', 'cli.js')));
const example = path.join(REPO_ROOT, 'examples', 'multi-stage');
const work = makeScratchDir('startup');
const env = { ...process.env, TSBUILD_ROOT: path.join(work, 'root') };

interface Timing {
  wallMs: number;
  /** user + system CPU time, from /usr/bin/time: steadier than wall time on a loaded machine */
  cpuMs: number;
}

function run(args: string[]): Timing {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...args], { env, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}:\n${result.stderr}`);
  const [user, system] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wallMs, cpuMs: (user! + system!) * 1000 };
}

try {
  const rootfs = path.join(work, 'rootfs');
  mkdirSync(rootfs);
  await makeBusyboxRootfs(rootfs);
  run([cli, 'import', rootfs, 'busybox:1.36']);
  const build = [cli, 'build', '--progress', 'quiet', '-t', 'startup-example', example];
  run(build);
  const cases: Array<[string, string[]]> = [['node -e 0', ['-e', '0']], ['tsbuild --version', [cli, '--version']], ['no-op rebuild', build]];
  const times = new Map<string, Timing[]>(cases.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) for (const [name, args] of cases) times.get(name)!.push(run(args));
  const wall = (samples: Timing[]) => median(samples.map((t) => t.wallMs))!;
  const cpu = (samples: Timing[]) => median(samples.map((t) => t.cpuMs))!;
  const base = times.get('node -e 0')!;
  process.stdout.write(`${cli}, ${rounds} rounds, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  for (const [name, samples] of times) {
    const ms = (n: number) => `${n.toFixed(0).padStart(4)} ms`;
    const x = (n: number) => `${n.toFixed(2)}x`;
    process.stdout.write(
      `${name.padEnd(18)} wall ${ms(wall(samples))} (${x(wall(samples) / wall(base))})  cpu ${ms(cpu(samples))} (${x(cpu(samples) / cpu(base))})  median, ratio to node -e 0\n`,
    );
  }
} finally {
  removeTree(work);
}

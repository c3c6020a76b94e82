// Rootless overhead against root: the same builds timed as root and as an unprivileged user with
// subordinate ids (rootless mode), fresh store per round, medians and ratios.
// Run as root: node --import tsx bench/rootless.ts [rounds]
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveBusyboxBase } from '../test/rootless/fixture.js';
import { cliPath, ensureUnprivilegedUser, giveToUser, userSession } from '../test/helpers/unprivileged-user.js';

interface Scenario {
  name: string;
  dockerfile: string;
  files?: Record<string, string>;
  /** A `tsbuild run` instead of a build. */
  run?: string[];
}

const manyFiles = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`src/d${i % 20}/f${i}.txt`, `file ${i}\n`]));

const SCENARIOS: Scenario[] = [
  { name: 'three RUN steps', dockerfile: 'FROM base:1\nRUN echo one > /one\nRUN echo two > /two\nRUN cat /one /two > /both\n' },
  { name: 'RUN writing 5000 files', dockerfile: 'FROM base:1\nRUN mkdir /data && cd /data && for i in $(seq 5000); do echo $i > f$i; done\n' },
  { name: 'COPY 2000 files', dockerfile: 'FROM base:1\nCOPY src /src\n', files: manyFiles },
  { name: 'run --rm true', dockerfile: 'FROM base:1\n', run: ['run', '--rm', '--network', 'none', 'base:1', 'true'] },
];

const rounds = Number(process.argv[2] ?? 5);
const base = await saveBusyboxBase();
const user = ensureUnprivilegedUser('tsbuild-rootless', { subordinateIds: true });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timed(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const rows: string[] = [];
for (const scenario of SCENARIOS) {
  const asRoot: number[] = [];
  const rootless: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Root: its own store and context.
    const work = mkdtempSync(join(tmpdir(), 'tsbuild-bench-rootless-'));
    chmodSync(work, 0o755);
    const rootEnv = { ...process.env, TSBUILD_ROOT: join(work, 'store'), TMPDIR: work, CI: '1' };
    execFileSync(process.execPath, [cliPath, 'load', '-i', base], { env: rootEnv, stdio: 'ignore' });
    const rootContext = writeContext(join(work, 'ctx'), scenario);
    const args = scenario.run ?? ['build', '-q', rootContext];
    asRoot.push(timed(process.execPath, ['--', cliPath, ...args], rootEnv, work));
    // The user: a fresh HOME (so a fresh ~/.local/share/tsbuild).
    const session = userSession(user, 'bench');
    if (session.tsbuild(['load', '-i', base]).status !== 0) throw new Error('load failed');
    const userContext = writeContext(join(session.home, 'ctx'), scenario);
    giveToUser(user, userContext);
    const userArgs = scenario.run ?? ['build', '-q', userContext];
    rootless.push(timed('/usr/bin/setpriv', ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--',
      process.execPath, '--', cliPath, ...userArgs], { ...session.env, CI: '1' }, session.home));
  }
  const r = median(asRoot);
  const u = median(rootless);
  rows.push(`| ${scenario.name} | ${r.toFixed(0)} ms | ${u.toFixed(0)} ms | ${(u / r).toFixed(2)} |`);
}
process.stdout.write(`| scenario (median of ${rounds}) | root | rootless | ratio |\n|---|---|---|---|\n${rows.join('\n')}\n`);

function writeContext(dir: string, scenario: Scenario): string {
  for (const [path, content] of Object.entries({ Dockerfile: scenario.dockerfile, ...scenario.files })) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

// Crash consistency (issue 9, "Done when"): tsbuild is SIGKILLed at seeded random moments of
// build, pull, push, export and prune against a real registry; after every kill `tsbuild store
// verify` (which, like every command, first sweeps what the killed process left) must find no
// damage, no mounts, no orphaned processes and no secrets; at the end a rebuild succeeds.
// TSBUILD_CRASH_KILLS scales the number of kills (default 24; the issue asks for 100 once),
// TSBUILD_CRASH_SEED replays another sequence, TSBUILD_CRASH_LOG writes what was killed when.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';
import { newRoot, removeTempDirs, tempDir, writeContext } from '../build/helpers.js';
import { seededRandom } from '../helpers/seeded-random.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const KILLS = Number(process.env.TSBUILD_CRASH_KILLS ?? 24);
const SEED = Number(process.env.TSBUILD_CRASH_SEED ?? 20261203);

let registry: TestRegistry;
let root: string;
let env: NodeJS.ProcessEnv;

function tsbuild(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
}

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  registry = await startRegistry();
  root = await newRoot();
  env = { ...process.env, TSBUILD_ROOT: root, CI: '1' };
  const seed = tsbuild(['tag', 'busybox:latest', `${registry.host}/library/busybox:latest`]);
  expect(seed.status, seed.stderr).toBe(0);
  expect(tsbuild(['push', `${registry.host}/library/busybox:latest`]).status).toBe(0);
}, 60_000);
afterAll(async () => {
  await registry?.stop();
  removeTempDirs();
});

/** A context whose content changes every time: each build writes, compresses and pushes new layers. */
function freshContext(n: number): string {
  return writeContext({
    data: randomBytes(1 << 20).toString('base64'),
    Dockerfile: `FROM busybox\nCOPY data /data\nRUN --mount=type=cache,target=/cache sh -c 'cp /data /cache/last; echo ${n} > /n'\n`,
  });
}

type Operation = (n: number) => string[];
const app = () => `${registry.host}/crash/app:latest`;
const operations: Record<string, Operation> = {
  build: (n) => ['build', '-q', '-t', app(), freshContext(n)],
  'build --push': (n) => ['build', '-q', '--push', '-t', app(), freshContext(n)],
  'build -o type=oci': (n) => ['build', '-q', '-o', `type=oci,dest=${join(tempDir(), 'out.tar')}`, freshContext(n)],
  push: () => ['push', app()],
  pull: () => ['pull', app()],
  save: () => ['save', '-o', join(tempDir(), 'saved.tar'), app()],
  prune: () => ['prune', '--all'],
};

describe('crash consistency', () => {
  it(`${KILLS} SIGKILLs at random moments leave a store that verifies, and a rebuild works`, async () => {
    const random = seededRandom(SEED);
    const first = tsbuild(operations.build(0));
    expect(first.status, first.stderr).toBe(0);
    const log: string[] = [];
    for (let kill = 1; kill <= KILLS; kill++) {
      const names = Object.keys(operations);
      const name = names[Math.floor(random() * names.length)]!;
      const delayMs = Math.floor(random() * 1500);
      if (name === 'pull') tsbuild(['rmi', app()]); // so that the pull has blobs to fetch
      const child = spawn(process.execPath, [cli, ...operations[name]!(kill)], { env, stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await Promise.race([sleep(delayMs), exited]);
      child.kill('SIGKILL');
      const code = await exited;
      log.push(`${kill}: ${name} killed after ${delayMs} ms (${code === null ? 'killed' : `had exited ${code}`})`);
      const verify = tsbuild(['store', 'verify']);
      expect(verify.status, `${log.join('\n')}\n${verify.stdout}${verify.stderr}`).toBe(0);
    }
    const rebuild = tsbuild(['build', '-q', '-t', 'rebuilt:1', freshContext(KILLS + 1)]);
    expect(rebuild.status, rebuild.stderr).toBe(0);
    const run = tsbuild(['run', '--rm', 'rebuilt:1', 'cat', '/n']);
    expect(run.stdout.trim()).toBe(String(KILLS + 1));
    expect(tsbuild(['store', 'verify']).status).toBe(0);
    if (process.env.TSBUILD_CRASH_LOG) writeFileSync(process.env.TSBUILD_CRASH_LOG, `${log.join('\n')}\n`);
  }, 300_000);
});

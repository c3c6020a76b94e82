// Issue 9 item 19: what a SIGKILLed tsbuild leaves (RUN scratch dirs, unpack/upper temp dirs,
// partial blobs, a `run --rm` container) is removed by the next command at once, while the files
// of a build still running beside it are left alone and that build succeeds.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, newRoot, removeTempDirs, writeContext } from '../build/helpers.js';
import { cliEntry, fixturePath, spawnTs, tsbuild } from '../oci/fixtures/run-ts.js';

let root: string;
beforeAll(async () => {
  root = await newRoot();
}, 60_000);
afterAll(() => removeTempDirs());

function cli(args: string[]): ChildProcess {
  return spawnTs(cliEntry, args, { TSBUILD_ROOT: root });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await sleep(50)) {
    const value = probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

const list = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
const runScratch = () => list(join(root, 'tmp')).filter((n) => n.startsWith('run-'));
const snapshotTemps = () => list(join(root, 'snapshots')).filter((n) => n.startsWith('tmp-'));

describe('leftovers of killed processes', () => {
  it('the next build removes a killed build\'s scratch at once and leaves a running build\'s alone', async () => {
    const killed = cli(['build', '-q', writeContext({ Dockerfile: 'FROM busybox\nRUN sleep 60\n' })]);
    const killedExit = exited(killed);
    const [deadScratch] = await until(() => (runScratch().length ? runScratch() : undefined), 'the RUN to start');
    const deadTemps = snapshotTemps();
    killed.kill('SIGKILL');
    await killedExit;
    expect(runScratch()).toEqual([deadScratch]);
    expect(deadTemps.length).toBeGreaterThan(0);

    let liveOutput = '';
    const live = cli(['build', '-q', writeContext({ Dockerfile: 'FROM busybox\nRUN sleep 4 && echo live > /live\n' })]);
    live.stderr!.on('data', (chunk: Buffer) => (liveOutput += chunk.toString()));
    const liveExit = exited(live);
    const liveScratch = await until(() => runScratch().find((n) => n !== deadScratch), 'the live RUN to start');
    const liveTemps = snapshotTemps().filter((n) => !deadTemps.includes(n));

    await buildImage(root, writeContext({}), 'FROM busybox\nRUN true\n'); // sweeps at start

    expect(runScratch()).toEqual([liveScratch]);
    expect(snapshotTemps().sort()).toEqual(liveTemps.sort());
    expect(await liveExit, liveOutput).toBe(0);
    expect(runScratch()).toEqual([]);
  }, 90_000);

  it('a partial blob of a killed pull or build is removed by the next command, not an hour later', async () => {
    const child = spawnTs(fixturePath('put-blob.ts'), [root, String(4 << 20), 'leftover', '--stall']);
    const done = exited(child);
    await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('writing') && resolve()));
    const partial = list(join(root, 'tmp')).filter((n) => n.startsWith('blob-'));
    expect(partial).toHaveLength(1);
    child.kill('SIGKILL');
    await done;
    expect(tsbuild(root, ['images']).status).toBe(0);
    expect(list(join(root, 'tmp')).filter((n) => n.startsWith('blob-'))).toEqual([]);
  }, 60_000);

  it('a killed `run --rm` container is removed by the next `run`', async () => {
    const containers = join(root, 'containers');
    const killed = cli(['run', '--rm', 'busybox', 'sleep', '60']);
    const killedExit = exited(killed);
    const [id] = await until(() => {
      const ids = list(containers).filter((n) => n !== 'names' && existsSync(join(containers, n, 'state.json')));
      return ids.length ? ids : undefined;
    }, 'the container to start');
    await sleep(300);
    killed.kill('SIGKILL');
    await killedExit;
    expect(list(containers)).toContain(id);
    const next = spawn(process.execPath, ['--import', 'tsx', cliEntry, 'run', '--rm', 'busybox', 'true'], { env: { ...process.env, TSBUILD_ROOT: root }, stdio: 'ignore' });
    expect(await exited(next)).toBe(0);
    expect(list(containers).filter((n) => n !== 'names')).toEqual([]);
  }, 60_000);
});

// End to end through the built CLI: bind mounts, anonymous and image volumes, tmpfs, networking,
// the container directory with and without --rm, --name, and SIGTERM handling.
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { processesMatching, uniqueSleepSeconds } from '../helpers/leftovers.js';
import { collect, IMAGES, makeRunFixture, type RunFixture } from '../container/fixture.js';

let fx: RunFixture;

beforeAll(async () => {
  fx = await makeRunFixture();
});
afterAll(async () => {
  if (fx) await rm(fx.work, { recursive: true, force: true });
});

describe('tsbuild run: mounts and network', () => {
  it('-v HOST:CTR:ro cannot be written; -v HOST:CTR writes land on the host', async () => {
    const host = join(fx.work, 'shared');
    mkdirSync(host);
    const ro = await fx.tsbuild(['run', '--rm', '-v', `${host}:/mnt:ro`, IMAGES.busybox, 'touch', '/mnt/file']);
    expect(ro.status).not.toBe(0);
    expect(ro.stderr).toMatch(/Read-only file system/);
    expect(existsSync(join(host, 'file'))).toBe(false);
    const rw = await fx.tsbuild(['run', '--rm', '-v', `${host}:/mnt`, IMAGES.busybox, 'sh', '-c', 'echo written > /mnt/file']);
    expect(rw.status, rw.stderr).toBe(0);
    expect(readFileSync(join(host, 'file'), 'utf8')).toBe('written\n');
  });

  it('--tmpfs mounts a tmpfs with its options', async () => {
    const result = await fx.tsbuild(['run', '--rm', '--tmpfs', '/scratch:size=1m', IMAGES.busybox, 'sh', '-c', 'grep " /scratch " /proc/mounts']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^tmpfs \/scratch tmpfs rw,.*size=1024k/);
  });

  it('--network none leaves only the loopback interface', async () => {
    const result = await fx.tsbuild(['run', '--rm', '--network', 'none', IMAGES.busybox, 'ip', '-o', 'link']);
    expect(result.status, result.stderr).toBe(0);
    const names = result.stdout.trim().split('\n').map((line) => line.split(':')[1]?.trim());
    expect(names).toEqual(['lo']);
  });

  it('an image VOLUME gets a fresh directory holding a copy of the image content', async () => {
    const result = await fx.tsbuild(['run', IMAGES.volume, 'sh', '-c', 'cat /data/seed; echo new > /data/new; grep -c " /data " /proc/self/mountinfo']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('from the image\n1\n');
    const id = fx.containers().find((name) => /^[0-9a-f]{64}$/.test(name) && existsSync(join(fx.root, 'containers', name, 'volumes', '0', 'new')));
    expect(id).toBeDefined();
    const dir = join(fx.root, 'containers', id!);
    expect(readFileSync(join(dir, 'volumes', '0', 'new'), 'utf8')).toBe('new\n');
    expect(existsSync(join(dir, 'upper', 'data', 'new'))).toBe(false);
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { status: string; exitCode: number };
    expect(state).toMatchObject({ status: 'exited', exitCode: 0 });
    const again = await fx.tsbuild(['run', '--rm', IMAGES.volume, 'ls', '/data']);
    expect(again.stdout).toBe('seed\n');
  });
});

describe('tsbuild run: container directory lifecycle', () => {
  it('--rm leaves nothing under the root containers dir, also with --name and volumes', async () => {
    const before = fx.containers();
    const result = await fx.tsbuild(['run', '--rm', '--name', 'gone', '-v', '/anon', IMAGES.volume, 'sh', '-c', 'echo x > /data/f; echo y > /anon/f; echo z > /f']);
    expect(result.status, result.stderr).toBe(0);
    expect(fx.containers()).toEqual(before);
  });

  it('--name reserves a name while the container directory exists', async () => {
    const first = await fx.tsbuild(['run', '--name', 'keeper', IMAGES.busybox, 'true']);
    expect(first.status, first.stderr).toBe(0);
    expect(readdirSync(join(fx.root, 'containers', 'names'))).toContain('keeper');
    const second = await fx.tsbuild(['run', '--rm', '--name', 'keeper', IMAGES.busybox, 'true']);
    expect(second.status).toBe(125);
    expect(second.stderr).toMatch(/name "keeper" is already in use/);
  });

  it.each([
    // builtin: the command is PID 2 under a reaping init, so an unhandled SIGTERM ends it (143);
    // runc: the command is PID 1 and needs a handler, as in Docker.
    ['builtin', '', 143],
    ['runc', 'trap "exit 9" TERM; ', 9],
  ])('SIGTERM to tsbuild stops the container (%s, %j): exit status %i, no process left behind', async (runtime, trap, status) => {
    const marker = `sleep ${uniqueSleepSeconds(1000)}`;
    const before = fx.containers();
    // The orphaned background sleep must die with the container too, not only the shell.
    const child = fx.start(['run', '--rm', '--runtime', runtime, IMAGES.busybox, 'sh', '-c', `${trap}${marker} & echo started; wait`]);
    const done = collect(child);
    await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('started') && resolve()));
    // The shell and its background sleep (whose command line reads empty while it execs).
    await vi.waitFor(() => expect(processesMatching(marker).filter((pid) => pid !== child.pid)).toHaveLength(2), { timeout: 10_000 });
    child.kill('SIGTERM');
    const result = await done;
    expect(result.status, result.stderr).toBe(status);
    expect(processesMatching(marker)).toEqual([]);
    expect(fx.containers()).toEqual(before);
  });

  it('a container that ignores the stop signal is killed after --stop-timeout (137)', async () => {
    const marker = `sleep ${uniqueSleepSeconds(1000)}`;
    const child = fx.start(['run', '--rm', '--stop-timeout', '1', IMAGES.busybox, 'sh', '-c', `trap "" TERM INT; echo started; ${marker}`]);
    const done = collect(child);
    await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('started') && resolve()));
    child.kill('SIGINT');
    const result = await done;
    expect(result.status, result.stderr).toBe(137);
    expect(processesMatching(marker)).toEqual([]);
  });

  it('when nobody reads the output any more the container is killed (141) and --rm still cleans up', async () => {
    const before = fx.containers();
    const child = fx.start(['run', '--rm', IMAGES.busybox, 'yes']);
    const status = new Promise<number | null>((resolve) => child.once('close', resolve));
    child.stdout!.once('data', () => child.stdout!.destroy());
    expect(await status).toBe(141);
    expect(fx.containers()).toEqual(before);
  });
});

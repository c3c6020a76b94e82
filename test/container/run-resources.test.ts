// `tsbuild run --ulimit/--shm-size/--cgroup-parent` through the built CLI, on both sandbox backends,
// with docker's parsing and errors.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGES, makeRunFixture, type RunFixture } from '../container/fixture.js';
import { makeParentCgroup } from '../helpers/cgroup-parent.js';

let fx: RunFixture;

beforeAll(async () => {
  fx = await makeRunFixture();
});
afterAll(async () => {
  if (fx) await rm(fx.work, { recursive: true, force: true });
});

describe.each(['builtin', 'runc'])('tsbuild run --runtime %s', (runtime) => {
  const run = (args: string[]) => fx.tsbuild(['run', '--rm', '--runtime', runtime, ...args]);

  it('--ulimit sets the command\'s rlimits (a later flag of the same name wins, as docker)', async () => {
    const flags = ['--ulimit', 'nofile=10:10', '--ulimit', 'nofile=1062:2048', '--ulimit', 'core=-1', '-u', 'nobody'];
    const result = await run([...flags, IMAGES.busybox, 'sh', '-c', 'ulimit -Sn; ulimit -Hn; ulimit -c']);
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ status: 0, stdout: '1062\n2048\nunlimited\n' });
  });

  it('--shm-size sizes /dev/shm', async () => {
    const result = await run(['--shm-size', '1g', IMAGES.busybox, 'sh', '-c', 'grep " /dev/shm " /proc/mounts']);
    expect(result.stdout).toMatch(/size=1048576k/);
  });

  it('--cgroup-parent puts the container\'s cgroup under that parent', async () => {
    const parent = makeParentCgroup(`tsbuild-run-parent-${runtime}-${process.pid}`, 10);
    try {
      // The container's cgroup namespace hides the path: its own pids.max is unset, so the forks stop at the parent's limit.
      const result = await run(['--cgroup-parent', `/${parent.name}`, IMAGES.busybox, 'sh', '-c', '(cat /sys/fs/cgroup/pids.max || cat /sys/fs/cgroup/pids/pids.max) 2>/dev/null; for i in $(seq 1 12); do sleep 1 & done; wait']);
      expect(result.stdout).toBe('max\n');
      expect(result.stderr).toMatch(/can't fork|Resource temporarily unavailable/);
    } finally {
      parent.remove();
    }
  });
});

describe('tsbuild run: bad values', () => {
  it.each([
    [['--ulimit', 'nofile=2:1'], /ulimit soft limit must be less than or equal to hard limit: 2 > 1/],
    [['--ulimit', 'as=1'], /invalid ulimit type: as/],
    [['--shm-size', '-1'], /invalid --shm-size "-1"/],
    [['--cgroup-parent', 'a/../../..'], /invalid cgroup parent/],
  ])('%j: exit 125 with the reason', async (flags, message) => {
    const result = await fx.tsbuild(['run', '--rm', ...flags, IMAGES.busybox, 'true']);
    expect(result.status).toBe(125);
    expect(result.stderr).toMatch(message);
  });
});

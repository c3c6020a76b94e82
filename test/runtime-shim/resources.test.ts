// docker's --ulimit, --shm-size and --cgroup-parent in every sandbox backend: rlimits set before
// the command starts, /dev/shm's tmpfs size, and the run's cgroup under a chosen parent.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { detectCgroupLayout, selectBackend, type SandboxBackend, type SandboxSpec } from '../../src/runtime-shim/index.js';
import { makeParentCgroup } from '../helpers/cgroup-parent.js';
import { makeFixture, runCaptured, sh, type Fixture } from './fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
  const runTmp = join(fx.base, 'tmp');
  mkdirSync(runTmp);
  vi.stubEnv('TMPDIR', runTmp);
});
afterAll(() => {
  vi.unstubAllEnvs();
  fx.cleanup();
});

/** tsbuild's own hard limit of a resource, by its /proc/self/limits name. */
function hardLimit(label: string): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith(label));
  const hard = line?.slice(label.length).trim().split(/\s+/)[1];
  return hard === undefined || hard === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(hard);
}

describe.each(['builtin', 'runc'] as const)('%s backend', (name) => {
  let backend: SandboxBackend;
  beforeAll(() => {
    backend = selectBackend(name);
  });

  it('sets the ulimits before the command starts: soft and hard, and unlimited', async () => {
    // At most tsbuild's own hard limit: raising one needs CAP_SYS_RESOURCE, which a container may lack.
    const hard = Math.min(hardLimit('Max open files'), 1 << 20) - 1;
    const ulimits = [
      { name: 'nofile' as const, soft: 1062, hard },
      { name: 'core' as const, soft: 0, hard: 0 },
      { name: 'cpu' as const, soft: -1, hard: -1 },
      { name: 'stack' as const, soft: 4 * 1024 * 1024, hard: 8 * 1024 * 1024 },
    ];
    const r = await runCaptured(backend, fx.spec(sh('ulimit -Sn; ulimit -Hn; ulimit -c; ulimit -t; ulimit -Ss; ulimit -Hs'), { ulimits }));
    expect(r.stderr).toBe('');
    // ulimit -s counts KiB.
    expect(r.stdout.split('\n')).toEqual(['1062', String(hard), '0', 'unlimited', '4096', '8192', '']);
  });

  it('fails clearly when the kernel refuses a ulimit', async () => {
    // fs.nr_open (1048576 by default) caps nofile, whatever the capabilities.
    const spec = fx.spec(['true'], { ulimits: [{ name: 'nofile', soft: 1 << 30, hard: 1 << 30 }] });
    await expect(backend.run(spec)).rejects.toMatchObject({ code: 'SANDBOX', message: expect.stringMatching(/ulimit nofile|rlimit type 7/) });
  });

  it('applies the ulimits to a non-root user too', async () => {
    const r = await runCaptured(backend, fx.spec(sh('id -u; ulimit -n'), { user: { uid: 1000, gid: 1000 }, ulimits: [{ name: 'nofile', soft: 321, hard: 321 }] }));
    expect(r.stdout).toBe('1000\n321\n');
  });

  it('mounts /dev/shm with the size asked for, 64m by default', async () => {
    const script = 'grep " /dev/shm " /proc/mounts';
    const sized = await runCaptured(backend, fx.spec(sh(script), { shmSize: 128 * 1024 * 1024 }));
    expect(sized.stdout).toMatch(/^shm \/dev\/shm tmpfs .*size=131072k/);
    const large = await runCaptured(backend, fx.spec(sh(`${script}; df -k /dev/shm | tail -1`), { shmSize: 2 * 1024 ** 3 }));
    expect(large.stdout).toMatch(/size=2097152k/);
    expect(large.stdout).toMatch(/\n\S+\s+2097152\s/);
    const byDefault = await runCaptured(backend, fx.spec(sh(script)));
    expect(byDefault.stdout).toMatch(/size=65536k/);
  });

  it('creates the run\'s cgroup under --cgroup-parent, whose limits then apply', async () => {
    const { name: parent, remove } = makeParentCgroup(`tsbuild-test-parent-${name}-${process.pid}`, 10);
    try {
      // As BuildKit's testCgroupParent: the parent's pids.max stops the 10th sleeper.
      const forks = '(for i in $(seq 1 12); do sleep 5 & done) 2>/forks; cat /forks';
      const r = await runHeldInCgroup(backend, parent, forks, { cgroupParent: `/${parent}`, limits: { pidsLimit: 100 } });
      expect(r.stdout).toMatch(/Resource temporarily unavailable/);
      // The command's cgroup namespace hides the path: the host sees where it runs.
      expect(r.occupied).toEqual([expect.stringMatching(/^tsbuild[/-]/)]);
      // Without a leading slash it is the same place (BuildKit's reading).
      const relative = await runHeldInCgroup(backend, parent, 'true', { cgroupParent: parent });
      expect(relative.occupied).toEqual([expect.stringMatching(/^tsbuild[/-]/)]);
    } finally {
      remove();
    }
  });

  it('refuses a cgroup parent that leaves the hierarchy', async () => {
    for (const cgroupParent of ['../../..', 'a/../../b', 'ok/..']) {
      await expect(backend.run(fx.spec(['true'], { cgroupParent }))).rejects.toMatchObject({ message: expect.stringContaining('cgroup parent') });
    }
  });
});

/**
 * Runs `script`, then holds the command until the host has listed the cgroups under `parent`
 * (relative paths) that hold a process; the command waits for a file, so no timing is involved.
 */
async function runHeldInCgroup(backend: SandboxBackend, parent: string, script: string, over: Partial<SandboxSpec>): Promise<{ stdout: string; occupied: string[] }> {
  const shared = mkdtempSync(join(fx.base, 'held-'));
  const go = join(shared, 'go');
  let occupied: string[] = [];
  const held = `${script}; echo held; while [ ! -e /shared/go ]; do sleep 0.1; done`;
  const spec = fx.spec(sh(held), { ...over, mounts: [{ type: 'bind', source: shared, target: '/shared' }] });
  const r = await runCaptured(backend, spec, {}, (stdout) => {
    if (!stdout.includes('held\n') || existsSync(go)) return;
    try {
      occupied = occupiedCgroupsUnder(parent);
    } finally {
      writeFileSync(go, '');
    }
  });
  return { stdout: r.stdout, occupied };
}

function occupiedCgroupsUnder(parent: string): string[] {
  const top = join('/sys/fs/cgroup', detectCgroupLayout()?.version === 2 ? '' : 'pids', parent);
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim()) found.push(relative(top, dir));
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) walk(join(dir, entry.name));
  };
  walk(top);
  return found;
}

// cgroup layer: v1/v2 path and limit logic against fake /sys/fs/cgroup trees, and a real v1/v2 memory limit.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cgroupParentPath, createRunCgroup, detectCgroupLayout, removeStaleCgroups } from '../../src/runtime-shim/index.js';

let fake: string;
function fakeRoot(): string {
  fake = mkdtempSync(join(tmpdir(), 'tsbuild-fake-cgroup-'));
  return fake;
}
afterEach(() => {
  if (fake) rmSync(fake, { recursive: true, force: true });
});

function fakeV1(controllers: string[]): string {
  const root = fakeRoot();
  for (const c of controllers) {
    mkdirSync(join(root, c), { recursive: true });
    writeFileSync(join(root, c, 'cgroup.procs'), '');
  }
  mkdirSync(join(root, 'unified'));
  return root;
}

function fakeV2(controllers: string): string {
  const root = fakeRoot();
  writeFileSync(join(root, 'cgroup.controllers'), controllers);
  writeFileSync(join(root, 'cgroup.subtree_control'), '');
  return root;
}

const read = (...parts: string[]): string => readFileSync(join(...parts), 'utf8');

describe('detectCgroupLayout', () => {
  it('treats a hybrid host (v1 controllers + empty unified) as v1', () => {
    const root = fakeV1(['memory', 'cpu', 'pids']);
    expect(detectCgroupLayout(root, join(root, 'no-such-self-cgroup'))).toEqual({ version: 1, root, own: {} });
  });
  it('nests v1 run cgroups under the cgroup tsbuild itself is in', () => {
    const root = fakeV1(['memory', 'cpu', 'pids', 'freezer']);
    mkdirSync(join(root, 'memory/job/42'), { recursive: true });
    writeFileSync(join(root, 'self'), '9:name=systemd:/\n8:pids:/\n4:memory:/job/42\n2:cpu,cpuacct:/gone\n0::/\n');
    const layout = detectCgroupLayout(root, join(root, 'self'));
    expect(layout?.own).toEqual({ memory: '/job/42', pids: '/' });
    const cg = createRunCgroup(layout!, 'run-7-ab', {});
    expect(cg.dirs.sort()).toEqual(['cpu/tsbuild', 'freezer/tsbuild', 'memory/job/42/tsbuild', 'pids/tsbuild'].map((d) => join(root, d, 'run-7-ab')));
  });
  it('recognises a unified v2 mount', () => {
    const root = fakeV2('cpu memory pids');
    expect(detectCgroupLayout(root)).toEqual({ version: 2, root });
  });
  it('returns undefined without cgroups', () => {
    expect(detectCgroupLayout(fakeRoot())).toBeUndefined();
  });
});

describe('device allow-list', () => {
  it('v1: denies all devices, then allows Docker\'s list, one rule per write', () => {
    const root = fakeV1(['memory', 'devices']);
    const cg = createRunCgroup({ version: 1, root }, 'run-8-ab', {});
    expect(cg.restrictsDevices).toBe(true);
    expect(read(root, 'devices/tsbuild/run-8-ab/devices.deny')).toBe('a');
    const allowed = read(root, 'devices/tsbuild/run-8-ab/devices.allow');
    expect(allowed).toContain('c *:* m');
    expect(allowed).toContain('b *:* m');
    expect(allowed).toContain('c 1:3 rwm');
    expect(allowed).toContain('c 136:* rwm');
    expect(allowed).not.toMatch(/b [^ ]+ rw/);
  });
  it('v1 without the devices controller says it does not restrict devices', () => {
    expect(createRunCgroup({ version: 1, root: fakeV1(['memory']) }, 'run-9-ab', {}).restrictsDevices).toBe(false);
  });
  it('v2: no BPF device program, so the cgroup does not restrict devices (the sandbox drops CAP_MKNOD)', () => {
    const root = fakeV2('cpu memory pids');
    const cg = createRunCgroup({ version: 2, root }, 'run-10-ab', {});
    expect(cg.restrictsDevices).toBe(false);
    expect(existsSync(join(root, 'tsbuild/run-10-ab/devices.deny'))).toBe(false);
  });
});

describe('v1 cgroups', () => {
  it('creates tsbuild/<name> in each hierarchy and writes the limits', () => {
    const root = fakeV1(['memory', 'cpu', 'pids', 'freezer']);
    const cg = createRunCgroup({ version: 1, root }, 'run-1-ab', { memoryBytes: 1 << 26, cpus: 1.5, pidsLimit: 64 });
    expect(cg.procsFiles.sort()).toEqual(['cpu', 'freezer', 'memory', 'pids'].map((c) => join(root, c, 'tsbuild/run-1-ab/cgroup.procs')));
    expect(read(root, 'memory/tsbuild/run-1-ab/memory.limit_in_bytes')).toBe(String(1 << 26));
    expect(read(root, 'cpu/tsbuild/run-1-ab/cpu.cfs_quota_us')).toBe('150000');
    expect(read(root, 'cpu/tsbuild/run-1-ab/cpu.cfs_period_us')).toBe('100000');
    expect(read(root, 'pids/tsbuild/run-1-ab/pids.max')).toBe('64');
  });
  it('caps swap too when memsw accounting exists', () => {
    const root = fakeV1(['memory']);
    mkdirSync(join(root, 'memory/tsbuild/run-2-ab'), { recursive: true });
    writeFileSync(join(root, 'memory/tsbuild/run-2-ab/memory.memsw.limit_in_bytes'), '');
    createRunCgroup({ version: 1, root }, 'run-2-ab', { memoryBytes: 4096 * 1024 });
    expect(read(root, 'memory/tsbuild/run-2-ab/memory.memsw.limit_in_bytes')).toBe(String(4096 * 1024));
  });
  it('fails with SANDBOX when a limit needs a controller that is not mounted', () => {
    const root = fakeV1(['memory']);
    expect(() => createRunCgroup({ version: 1, root }, 'run-3-ab', { pidsLimit: 5 })).toThrow(
      expect.objectContaining({ code: 'SANDBOX', message: expect.stringContaining('pids') }),
    );
  });
  it('rejects names that would escape the tsbuild directory', () => {
    expect(() => createRunCgroup({ version: 1, root: fakeV1(['memory']) }, '../x', {})).toThrow(expect.objectContaining({ code: 'SANDBOX' }));
  });
});

describe('v2 cgroups', () => {
  it('enables controllers down the tree and writes memory.max, cpu.max, pids.max', () => {
    const root = fakeV2('cpuset cpu io memory pids');
    // A real kernel creates these files; the fake tree needs them seeded for the parent.
    mkdirSync(join(root, 'tsbuild'));
    writeFileSync(join(root, 'tsbuild/cgroup.controllers'), 'cpu memory pids');
    const cg = createRunCgroup({ version: 2, root }, 'run-4-ab', { memoryBytes: 1 << 26, cpus: 0.5, pidsLimit: 32 });
    expect(cg.procsFiles).toEqual([join(root, 'tsbuild/run-4-ab/cgroup.procs')]);
    expect(read(root, 'cgroup.subtree_control')).toBe('+memory +cpu +pids');
    expect(read(root, 'tsbuild/cgroup.subtree_control')).toBe('+memory +cpu +pids');
    expect(read(root, 'tsbuild/run-4-ab/memory.max')).toBe(String(1 << 26));
    expect(read(root, 'tsbuild/run-4-ab/cpu.max')).toBe('50000 100000');
    expect(read(root, 'tsbuild/run-4-ab/pids.max')).toBe('32');
  });
  it('fails with SANDBOX when the memory controller is not delegated', () => {
    const root = fakeV2('cpu pids');
    expect(() => createRunCgroup({ version: 2, root }, 'run-5-ab', { memoryBytes: 1 << 20 })).toThrow(
      expect.objectContaining({ code: 'SANDBOX', message: expect.stringContaining('memory') }),
    );
  });
});

describe('--cgroup-parent', () => {
  it('v1: the run cgroup goes under the parent from each hierarchy\'s root, not under tsbuild\'s own cgroup', () => {
    const root = fakeV1(['memory', 'pids']);
    const layout = { version: 1 as const, root, own: { memory: '/job/42' } };
    const cg = createRunCgroup(layout, 'run-11-ab', { pidsLimit: 7 }, '/ci/builds');
    expect(cg.dirs.sort()).toEqual(['memory', 'pids'].map((c) => join(root, c, 'ci/builds/tsbuild/run-11-ab')));
    expect(read(root, 'pids/ci/builds/tsbuild/run-11-ab/pids.max')).toBe('7');
    expect(createRunCgroup(layout, 'run-12-ab', {}, 'ci/builds').dirs).toContain(join(root, 'pids/ci/builds/tsbuild/run-12-ab'));
  });
  it('v2: enables the controllers on every level down from the root', () => {
    const root = fakeV2('cpu memory pids');
    for (const level of ['ci', 'ci/builds', 'ci/builds/tsbuild']) {
      mkdirSync(join(root, level), { recursive: true });
      writeFileSync(join(root, level, 'cgroup.controllers'), 'cpu memory pids');
    }
    const cg = createRunCgroup({ version: 2, root }, 'run-13-ab', { pidsLimit: 9 }, '/ci/builds');
    expect(cg.procsFiles).toEqual([join(root, 'ci/builds/tsbuild/run-13-ab/cgroup.procs')]);
    for (const level of ['', 'ci', 'ci/builds', 'ci/builds/tsbuild']) expect(read(root, level, 'cgroup.subtree_control')).toBe('+memory +cpu +pids');
    expect(read(root, 'ci/builds/tsbuild/run-13-ab/pids.max')).toBe('9');
  });
  it('refuses a parent that leaves the hierarchy, and systemd\'s slice form', () => {
    expect(cgroupParentPath('/ci//builds/./x/')).toBe('ci/builds/x');
    expect(cgroupParentPath('/')).toBe('');
    for (const bad of ['..', '/a/../../b', 'a/..', 'system.slice:docker:x', 'a\nb']) {
      expect(() => cgroupParentPath(bad)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('invalid cgroup parent') }));
    }
    const root = fakeV1(['memory']);
    expect(() => createRunCgroup({ version: 1, root }, 'run-14-ab', {}, '../../etc')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(existsSync(join(root, '..', 'etc'))).toBe(false);
  });
});

describe('stale cgroups', () => {
  it('removes run cgroups whose owner process is gone and keeps live ones', () => {
    const root = fakeV1(['pids']);
    const dead = join(root, 'pids/tsbuild/run-999999999-aa');
    const live = join(root, `pids/tsbuild/run-${process.pid}-bb`);
    mkdirSync(dead, { recursive: true });
    mkdirSync(live, { recursive: true });
    removeStaleCgroups({ version: 1, root, own: {} });
    expect([existsSync(dead), existsSync(live)]).toEqual([false, true]);
  });
});

describe('real cgroups on this host', () => {
  it('a memory limit kills an allocation loop', async () => {
    const layout = detectCgroupLayout();
    expect(layout, 'cgroups must be mounted at /sys/fs/cgroup').toBeDefined();
    if (!layout) return;
    const cg = createRunCgroup(layout, `run-${process.pid}-memtest`, { memoryBytes: 32 * 1024 * 1024 });
    try {
      const joinAll = cg.procsFiles.map((f) => `echo 0 > ${f}`).join('; ');
      const child = spawn('/bin/busybox', ['sh', '-c', `${joinAll}; x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done`], { stdio: 'ignore' });
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
    } finally {
      await cg.remove();
    }
    expect(cg.dirs.filter((d) => existsSync(d))).toEqual([]);
  });
});

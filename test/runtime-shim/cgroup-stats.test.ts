// Reading cgroup facts from fake v1 and v2 trees: where a pids limit can be set, and OOM kills.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { oomKilled, pidsLimitable } from '../../src/runtime-shim/cgroup-stats.js';

const base = mkdtempSync(join(tmpdir(), 'tsbuild-cgroup-stats-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(base, 'root-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

describe('pidsLimitable', () => {
  it('v2: only when the root lists the pids controller, and only as root', () => {
    const withPids = tree({ 'cgroup.controllers': 'cpuset cpu io memory pids\n' });
    const without = tree({ 'cgroup.controllers': 'cpu memory\n' });
    expect(pidsLimitable({ version: 2, root: withPids }, 0)).toBe(true);
    expect(pidsLimitable({ version: 2, root: without }, 0)).toBe(false);
    expect(pidsLimitable({ version: 2, root: withPids }, 1000)).toBe(false);
  });

  it('v1: only with a pids hierarchy; never without cgroups', () => {
    expect(pidsLimitable({ version: 1, root: tree({ 'pids/cgroup.procs': '' }) }, 0)).toBe(true);
    expect(pidsLimitable({ version: 1, root: tree({ 'memory/cgroup.procs': '' }) }, 0)).toBe(false);
    expect(pidsLimitable(undefined, 0)).toBe(false);
  });
});

describe('oomKilled', () => {
  it('reads oom_kill from v2 memory.events and v1 memory.oom_control', () => {
    const v2 = tree({ 'run/memory.events': 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n' });
    const v1 = tree({ 'memory/run/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n', 'pids/run/pids.max': 'max\n' });
    const calm = tree({ 'run/memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n' });
    expect(oomKilled([join(v2, 'run')])).toBe(true);
    expect(oomKilled([join(v1, 'pids/run'), join(v1, 'memory/run')])).toBe(true);
    expect(oomKilled([join(calm, 'run')])).toBe(false);
    expect(oomKilled([join(base, 'missing')])).toBe(false);
  });
});

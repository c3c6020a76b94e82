// Rootless mode and the command's cgroup view: the cgroup namespace (owned by the user namespace)
// still hides the user's host cgroup path, and /sys/fs/cgroup is mounted read-only as for root (a
// kernel that refuses a hierarchy to a user namespace gets it left out instead of a failed run).
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureUnprivilegedUser, userSession, type UnprivilegedUser } from '../helpers/unprivileged-user.js';
import { describeResult, saveBusyboxBase } from './fixture.js';

let user: UnprivilegedUser;
let base: string;

beforeAll(async () => {
  user = ensureUnprivilegedUser('tsbuild-rootless', { subordinateIds: true });
  base = await saveBusyboxBase();
});

describe('rootless /sys/fs/cgroup', () => {
  it('runs with the cgroup namespace as its root and a read-only /sys/fs/cgroup', () => {
    const session = userSession(user, 'cgroupfs');
    expect(session.tsbuild(['load', '-i', base]).status).toBe(0);
    const script = 'cat /proc/self/cgroup; echo --; grep " /sys/fs/cgroup" /proc/mounts; echo --; touch /sys/fs/cgroup/file 2>/dev/null && echo writable; true';
    const shown = session.tsbuild(['run', '--rm', '--network', 'none', 'base:1', 'sh', '-c', script]);
    expect(shown.status, describeResult(shown)).toBe(0);
    const [cgroups = '', mounts = '', writable = ''] = shown.stdout.split('--\n');
    const lines = cgroups.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^\d+:[^:]*:\/$/);
    const mounted = mounts.trim().split('\n');
    expect(mounted[0]).toMatch(/^\S+ \/sys\/fs\/cgroup (tmpfs|cgroup2) ro,/);
    for (const line of mounted) expect(line).toMatch(/^\S+ \/sys\/fs\/cgroup\S* \S+ ro,/);
    expect(writable).toBe('');
  });
});

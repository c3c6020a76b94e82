// Rootless mode and the command's cgroup view: the cgroup namespace (owned by the user namespace)
// still hides the user's host cgroup path; rootless runs join no cgroup, so no hierarchy is
// mounted at /sys/fs/cgroup (its namespace root would be the user's own cgroup, not the run's).
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
  it('runs with the cgroup namespace as its root and no cgroup mounted', () => {
    const session = userSession(user, 'cgroupfs');
    expect(session.tsbuild(['load', '-i', base]).status).toBe(0);
    const script = 'cat /proc/self/cgroup; echo --; grep " /sys/fs/cgroup" /proc/mounts; echo --; touch /sys/fs/cgroup/file 2>/dev/null && echo writable; true';
    const shown = session.tsbuild(['run', '--rm', '--network', 'none', 'base:1', 'sh', '-c', script]);
    expect(shown.status, describeResult(shown)).toBe(0);
    const [cgroups = '', mounts = '', writable = ''] = shown.stdout.split('--\n');
    const lines = cgroups.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^\d+:[^:]*:\/$/);
    // No cgroup of its own (the warning says so): no hierarchy, whose root would be the user's cgroup.
    expect(mounts).toBe('');
    expect(writable).toBe('');
  });
});

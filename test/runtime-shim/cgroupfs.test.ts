// The command's own cgroup, as runc's default spec gives it: a cgroup namespace rooted at the run's
// cgroup and the cgroup filesystem read-only at /sys/fs/cgroup, so a step reads its own limits
// (JVMs and Node size their heaps from memory.max / memory.limit_in_bytes).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { detectCgroupLayout, selectBackend, type SandboxBackend } from '../../src/runtime-shim/index.js';
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

const MEMORY = 64 * 1024 * 1024;
const cgroupV2 = detectCgroupLayout()?.version === 2;

describe.each(['builtin', 'runc'] as const)('%s backend', (name) => {
  let backend: SandboxBackend;
  beforeAll(() => {
    backend = selectBackend(name);
  });

  it('reads its memory limit from /sys/fs/cgroup, which it cannot write', async () => {
    const limitFile = cgroupV2 ? '/sys/fs/cgroup/memory.max' : '/sys/fs/cgroup/memory/memory.limit_in_bytes';
    const cgroupDir = limitFile.slice(0, limitFile.lastIndexOf('/'));
    const attempts = [`echo 1 > ${limitFile}`, `mkdir ${cgroupDir}/child`, 'mkdir /sys/fs/cgroup/made', 'touch /sys/fs/cgroup/file'];
    const script = `cat ${limitFile}; ${attempts.map((a) => `${a} 2>/dev/null && echo "${a}: done"`).join('; ')}; true`;
    const r = await runCaptured(backend, fx.spec(sh(script), { limits: { memoryBytes: MEMORY } }));
    expect(r.stdout).toBe(`${MEMORY}\n`);
  });

  it('sees its own cgroup as the root: no host cgroup path above it', async () => {
    const r = await runCaptured(backend, fx.spec(sh('cat /proc/self/cgroup; echo --; ls /sys/fs/cgroup'), { limits: { memoryBytes: MEMORY } }));
    const [cgroups = '', listing = ''] = r.stdout.split('--\n');
    const lines = cgroups.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    // Every hierarchy (v1's controllers, the v2 or hybrid unified one) shows the namespace's root.
    for (const line of lines) expect(line).toMatch(/^\d+:[^:]*:\/$/);
    expect(listing).toMatch(cgroupV2 ? /^memory\.max$/m : /^memory$/m);
  });

  it('sees no cgroup but its own: no host cgroup tree in any mounted hierarchy', async () => {
    // Below each hierarchy's root (the run's cgroup, which has no children) there is nothing.
    const below = cgroupV2 ? '/sys/fs/cgroup/' : '/sys/fs/cgroup/*/';
    const r = await runCaptured(backend, fx.spec(sh(`find ${below} -mindepth 1 -type d; echo done`), { limits: { memoryBytes: MEMORY } }));
    expect(r.stdout).toBe('done\n');
  });
});

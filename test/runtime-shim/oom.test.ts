// The builtin backend says when the kernel's OOM killer ended a run (RunResult.oomKilled), so a RUN
// step's exit 137 can be explained as "out of memory" rather than left as a bare SIGKILL. (runc
// removes the container's cgroup, counters included, before `runc run` returns: it cannot say.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type SandboxBackend } from '../../src/runtime-shim/index.js';
import { makeFixture, runCaptured, sh, type Fixture } from './fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
});
afterAll(() => fx.cleanup());

describe.each(['builtin'] as const)('%s backend', (name) => {
  let backend: SandboxBackend;
  beforeAll(() => {
    backend = selectBackend(name);
  });

  it('reports oomKilled when a run exceeds its memory limit, and not otherwise', async () => {
    const limits = { memoryBytes: 32 * 1024 * 1024 };
    const killed = await runCaptured(backend, fx.spec(sh('dd if=/dev/zero of=/dev/null bs=100M count=1'), { limits }));
    expect(killed).toMatchObject({ exitCode: 137, oomKilled: true });
    const fine = await runCaptured(backend, fx.spec(sh('dd if=/dev/zero of=/dev/null bs=1M count=1'), { limits }));
    expect(fine.exitCode).toBe(0);
    expect(fine.oomKilled).toBeUndefined();
  });
});

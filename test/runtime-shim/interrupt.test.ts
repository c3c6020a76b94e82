// Ctrl-C and kill -9 of a tsbuild process leave no sandbox process, mount or cgroup behind.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectCgroupLayout, removeStaleCgroups, removeStaleRuntimeCgroups } from '../../src/runtime-shim/index.js';
import { mountsUnder, processesMatching, uniqueSleepSeconds } from '../helpers/leftovers.js';
import { runCgroupsOf } from './fixture.js';

const runner = fileURLToPath(new URL('./interrupt-runner.ts', import.meta.url));

// The runner's temp files (fixture, run dirs) go here, so even a killed runner leaves nothing in /tmp.
let runnerTmp: string;
beforeEach(() => {
  runnerTmp = mkdtempSync(join(tmpdir(), 'tsbuild-interrupt-'));
});
afterEach(() => rmSync(runnerTmp, { recursive: true, force: true }));

function startRunner(backend: string, marker: string, stdio?: 'tty'): { child: ChildProcess; output: () => string; started: Promise<void> } {
  // detached: its own process group, so a group signal reaches it like a terminal's Ctrl-C would.
  const child = spawn(process.execPath, ['--import', 'tsx', runner, backend, marker, ...(stdio ? [stdio] : [])], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TMPDIR: runnerTmp },
  });
  let out = '';
  const started = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('started')) resolve();
    });
    child.on('exit', () => reject(new Error(`runner exited early: ${out}`)));
  });
  return { child, output: () => out, started };
}

const exited = (child: ChildProcess): Promise<void> => new Promise((resolve) => child.once('exit', () => resolve()));

describe.each(['builtin', 'runc'] as const)('interrupting a tsbuild process (%s)', (backend) => {
  it('Ctrl-C (SIGINT to the process group) cancels the run and cleans up', async () => {
    const marker = uniqueSleepSeconds(800000);
    const { child, output, started } = startRunner(backend, marker);
    await started;
    const done = exited(child);
    process.kill(-(child.pid as number), 'SIGINT');
    await done;
    expect(output()).toMatch(/error CANCELLED|finished/);
    expect(leftovers(marker, child.pid as number)).toEqual({ processes: [], mounts: [], cgroups: [] });
  });
});

describe('kill -9 of a tsbuild process (builtin)', () => {
  it('takes the sandbox down with it; the empty cgroup is swept by the next run', async () => {
    const marker = uniqueSleepSeconds(700000);
    const { child, started } = startRunner('builtin', marker);
    await started;
    const done = exited(child);
    child.kill('SIGKILL');
    await done;
    await waitFor(() => processesMatching(`sleep ${marker}`).length === 0);
    expect(processesMatching(`sleep ${marker}`)).toEqual([]);
    const layout = detectCgroupLayout();
    expect(layout).toBeDefined();
    // The kernel empties the cgroup shortly after the last process exits; the sweep retries like the next run would.
    await waitFor(() => {
      if (layout) removeStaleCgroups(layout);
      return leftovers(marker, child.pid as number).cgroups.length === 0;
    });
    expect(leftovers(marker, child.pid as number)).toEqual({ processes: [], mounts: [], cgroups: [] });
  });
});

describe('kill -9 of a tsbuild process (runc)', () => {
  it.each([['pipes', undefined], ['a terminal', 'tty' as const]])('with %s: takes the container down with it: the helper supervising runc SIGKILLs it', async (_name, stdio) => {
    const marker = uniqueSleepSeconds(600000);
    const { child, started } = startRunner('runc', marker, stdio);
    await started;
    const done = exited(child);
    try {
      // "started" is echoed just before the exec of sleep.
      await waitFor(() => processesMatching(`sleep ${marker}`).length === 1);
      expect(processesMatching(`sleep ${marker}`)).toHaveLength(1);
      child.kill('SIGKILL');
      await done;
      await waitFor(() => processesMatching(`sleep ${marker}`).length === 0);
      expect(processesMatching(`sleep ${marker}`)).toEqual([]);
      // runc and the helper supervising it (their command lines name the bundle, tsbuild-<pid>-...).
      await waitFor(() => processesMatching(`tsbuild-${child.pid}-`).length === 0);
      expect(processesMatching(`tsbuild-${child.pid}-`)).toEqual([]);
      expect(mountsUnder(runnerTmp)).toEqual([]);
      // runc's cgroups (runc delete never ran) go with the next run's sweep.
      await waitFor(() => {
        removeStaleRuntimeCgroups();
        return runCgroupsOf(child.pid as number).length === 0;
      });
      expect(runCgroupsOf(child.pid as number)).toEqual([]);
    } finally {
      // What the killed tsbuild could not clean up: a survivor (before the fix), its overlay mount.
      for (const pid of [...processesMatching(`sleep ${marker}`), ...processesMatching(`tsbuild-${child.pid}-`)]) process.kill(pid, 'SIGKILL');
      for (const mount of mountsUnder(runnerTmp).reverse()) execFileSync('umount', ['-l', mount]);
    }
  });
});

/** The runner's sleepers, the mounts of its run dirs (all under its TMPDIR) and its cgroups. */
function leftovers(marker: string, pid: number): { processes: number[]; mounts: string[]; cgroups: string[] } {
  return { processes: processesMatching(`sleep ${marker}`), mounts: mountsUnder(runnerTmp), cgroups: runCgroupsOf(pid) };
}


async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

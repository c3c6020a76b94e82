// Shared fixture for the sandbox suites: a busybox lower layer and overlay specs over it.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectCgroupLayout, runCgroupParents, type RunOptions, type RunResult, type SandboxBackend, type SandboxSpec } from '../../src/runtime-shim/index.js';
import { makeBusyboxRootfs } from '../helpers/busybox.js';

export interface Fixture {
  base: string;
  /** The busybox rootfs, used read-only as the overlay's lower layer. */
  lower: string;
  /** An overlay spec over `lower` with a fresh upper dir; fields of `over` replace the defaults. */
  spec(args: string[], over?: Partial<SandboxSpec>): SandboxSpec & { upperdir: string };
  cleanup(): void;
}

/**
 * The shared busybox rootfs, plus a user 1000 in group wheel (10), and without the empty
 * /proc, /dev, /sys, /home, /var, /usr directories, so the sandbox has to supply its own mount points.
 */
export async function makeSandboxRootfs(dir: string): Promise<string> {
  await makeBusyboxRootfs(dir);
  appendFileSync(join(dir, 'etc/passwd'), 'user:x:1000:1000::/home/user:/bin/sh\n');
  appendFileSync(join(dir, 'etc/group'), 'wheel:x:10:user\nuser:x:1000:\n');
  for (const sub of ['proc', 'dev', 'sys', 'home', 'var', 'usr/bin', 'usr']) rmdirSync(join(dir, sub));
  return dir;
}

export async function makeFixture(): Promise<Fixture> {
  const base = mkdtempSync(join(tmpdir(), 'tsbuild-sandbox-test-'));
  const lower = await makeSandboxRootfs(join(base, 'lower'));
  let runs = 0;
  return {
    base,
    lower,
    spec(args, over = {}) {
      const dir = join(base, `run${runs++}`);
      const upperdir = join(dir, 'upper');
      const workdir = join(dir, 'work');
      mkdirSync(upperdir, { recursive: true });
      mkdirSync(workdir);
      return {
        args,
        env: ['PATH=/bin', 'HOME=/root'],
        cwd: '/',
        user: { uid: 0, gid: 0 },
        rootfs: { kind: 'overlay', lowerdirs: [lower], upperdir, workdir },
        network: 'host',
        ...over,
        upperdir,
      };
    },
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

export interface Captured extends RunResult {
  stdout: string;
  stderr: string;
}

/** Runs `spec` and collects its output; `watch` sees the stdout collected so far after each chunk. */
export async function runCaptured(
  backend: SandboxBackend,
  spec: SandboxSpec,
  options: RunOptions = {},
  watch?: (stdoutSoFar: string) => void,
): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const result = await backend.run(spec, {
    ...options,
    onStdout: (c) => {
      stdout += c.toString();
      watch?.(stdout);
    },
    onStderr: (c) => (stderr += c.toString()),
  });
  return { ...result, stdout, stderr };
}

/** `sh -c script` */
export function sh(script: string): string[] {
  return ['sh', '-c', script];
}

/** Run cgroups (builtin's nested ones and runc's at the hierarchy roots) created by process `pid`. */
export function runCgroupsOf(pid: number): string[] {
  const layout = detectCgroupLayout();
  if (!layout) throw new Error('cgroups must be mounted at /sys/fs/cgroup');
  const runcParents = readdirSync(layout.root).map((c) => join(layout.root, c));
  return [...runCgroupParents(layout), ...runcParents].flatMap((dir) =>
    existsSync(dir) ? readdirSync(dir).filter((n) => n.includes(`-${pid}-`)).map((n) => join(dir, n)) : []);
}

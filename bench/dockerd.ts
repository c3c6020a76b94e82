// An isolated dockerd (own data root, socket, exec root and pidfile; no iptables, no bridge)
// started for the benchmark and stopped at the end; never touches a system docker.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import path from 'node:path';

export interface Dockerd {
  pid: number;
  /** `unix://...` for `docker -H`. */
  host: string;
  stop(): Promise<void>;
}

/** The docker CLI with built-in BuildKit (Debian's docker.io); newer CLIs need the buildx plugin. */
export function dockerCli(): string {
  return process.env.BENCH_DOCKER_CLI ?? (existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker');
}

/** The flags that make dockerd start on this host (cgroup v1 hybrid, no network setup needed). */
export function dockerdArgs(workDir: string, extra: readonly string[]): string[] {
  return [
    '--iptables=false',
    '--bridge=none',
    '--data-root', path.join(workDir, 'data'),
    '--exec-root', path.join(workDir, 'exec'),
    '--pidfile', path.join(workDir, 'docker.pid'),
    '--host', `unix://${path.join(workDir, 'docker.sock')}`,
    ...extra,
  ];
}

async function waitUntilReady(host: string, child: ChildProcess, logFile: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`dockerd exited with ${child.exitCode}; see ${logFile}`);
    const probe = spawnSync(dockerCli(), ['-H', host, 'version', '--format', '{{.Server.Version}}'], { stdio: 'ignore' });
    if (probe.status === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dockerd did not answer on ${host} within 30 s; see ${logFile}`);
}

/** Starts dockerd under `workDir` with `extraFlags` (BENCH_DOCKERD_FLAGS) and waits for its API. */
export async function startDockerd(workDir: string, extraFlags: readonly string[]): Promise<Dockerd> {
  const host = `unix://${path.join(workDir, 'docker.sock')}`;
  const logFile = path.join(workDir, 'dockerd.log');
  const log = openSync(logFile, 'a');
  const child = spawn('dockerd', dockerdArgs(workDir, extraFlags), { stdio: ['ignore', log, log] });
  if (child.pid === undefined) throw new Error('dockerd could not be started');
  try {
    await waitUntilReady(host, child, logFile);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    pid: child.pid,
    host,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

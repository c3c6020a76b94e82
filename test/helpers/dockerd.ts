// Starts a real Docker engine (Debian's docker.io) for a test or the benchmark, as DESIGN.md
// describes: its own data root, exec root, pidfile and socket in a directory of its own, no
// iptables, no bridge; never touches a system docker. Fails (never skips) when dockerd is not
// installed: CI installs docker.io.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TestDockerd {
  /** `unix:///tmp/.../docker.sock`, for DOCKER_HOST and `docker -H`. */
  host: string;
  socket: string;
  /** dockerd's process id (the benchmark measures its process tree). */
  pid: number;
  /** dockerd's output (with `--debug`, what BuildKit reports only there). */
  logFile: string;
  /** Runs the docker CLI against this engine; throws with its stderr on failure. */
  docker(args: string[], input?: Buffer): string;
  /** Stops dockerd, unmounts what it left mounted and removes its directory. */
  stop(): Promise<void>;
}

export interface DockerdOptions {
  /** More dockerd flags (`--debug`, the benchmark's `--dockerd-flags`). */
  flags?: readonly string[];
  /** Where the engine's directory is made (default the temp dir). */
  parent?: string;
}

const DOCKERD = '/usr/sbin/dockerd';
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;

/**
 * Debian's docker client: it has BuildKit built in (`DOCKER_BUILDKIT=1 docker build`), where a
 * newer CLI refuses BuildKit without the buildx plugin.
 */
export const DOCKER_CLI = '/usr/bin/docker';

export async function startDockerd(options: DockerdOptions = {}): Promise<TestDockerd> {
  for (const binary of [DOCKERD, DOCKER_CLI]) {
    if (!existsSync(binary)) throw new Error(`${binary} is missing: install Debian's docker.io (apt-get install docker.io)`);
  }
  const dir = mkdtempSync(join(options.parent ?? tmpdir(), 'tsbd-'));
  const socket = join(dir, 'docker.sock');
  const host = `unix://${socket}`;
  const logFile = join(dir, 'dockerd.log');
  const log = openSync(logFile, 'w');
  const child: ChildProcess = spawn(DOCKERD, [
    '--iptables=false', '--ip6tables=false', '--bridge=none', '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'),
    '--pidfile', join(dir, 'dockerd.pid'), '--host', host, ...(options.flags ?? []),
  ], { stdio: ['ignore', log, log] });
  if (child.pid === undefined) throw new Error(`${DOCKERD} could not be started`);
  let exited = false;
  child.once('exit', () => (exited = true));
  const docker = (args: string[], input?: Buffer): string => {
    const result = spawnSync(DOCKER_CLI, ['-H', host, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, ...(input ? { input } : {}) });
    if (result.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  const stop = async (): Promise<void> => {
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await gone;
      clearTimeout(timer);
    }
    // dockerd leaves its overlay mounts under the data root on a hard stop: unmount before removing.
    const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((line) => line.split(' ')[1]).filter((m) => m?.startsWith(`${dir}/`));
    for (const mount of mounts.reverse()) execFileSync('umount', ['-l', mount!]);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      const output = readFileSync(logFile, 'utf8');
      await stop();
      throw new Error(`dockerd exited at start-up:\n${output}`);
    }
    if (spawnSync(DOCKER_CLI, ['-H', host, 'version'], { stdio: 'ignore' }).status === 0) break;
    if (Date.now() > deadline) {
      const output = readFileSync(logFile, 'utf8');
      await stop();
      throw new Error(`dockerd did not answer in ${READY_TIMEOUT_MS / 1000}s:\n${output}`);
    }
    await sleep(200);
  }
  return { host, socket, pid: child.pid, logFile, docker, stop };
}

// Starts a real Docker engine (Debian's docker.io) for a test, as DESIGN.md describes: its own
// data root, exec root and socket under a temp dir, no iptables, no bridge. Fails (never skips)
// when dockerd is not installed: CI installs docker.io.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TestDockerd {
  /** `unix:///tmp/.../docker.sock`, for DOCKER_HOST and `docker -H`. */
  host: string;
  socket: string;
  /** Runs the docker CLI against this engine; throws with its stderr on failure. */
  docker(args: string[], input?: Buffer): string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;

export async function startDockerd(): Promise<TestDockerd> {
  for (const binary of ['/usr/sbin/dockerd', '/usr/bin/docker']) {
    if (!existsSync(binary)) throw new Error(`${binary} is missing: install Debian's docker.io (apt-get install docker.io)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'tsbd-'));
  const socket = join(dir, 'docker.sock');
  const host = `unix://${socket}`;
  const log = openSync(join(dir, 'dockerd.log'), 'w');
  const child: ChildProcess = spawn('/usr/sbin/dockerd', [
    '--iptables=false', '--ip6tables=false', '--bridge=none', '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'),
    '--pidfile', join(dir, 'dockerd.pid'), '--host', host,
  ], { stdio: ['ignore', log, log] });
  let exited = false;
  child.once('exit', () => (exited = true));
  const docker = (args: string[], input?: Buffer): string => {
    const result = spawnSync('/usr/bin/docker', ['-H', host, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, ...(input ? { input } : {}) });
    if (result.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new Error(`dockerd exited at start-up:\n${readFileSync(join(dir, 'dockerd.log'), 'utf8')}`);
    if (spawnSync('/usr/bin/docker', ['-H', host, 'version'], { stdio: 'ignore' }).status === 0) break;
    if (Date.now() > deadline) throw new Error(`dockerd did not answer in ${READY_TIMEOUT_MS / 1000}s:\n${readFileSync(join(dir, 'dockerd.log'), 'utf8')}`);
    await sleep(200);
  }
  return {
    host,
    socket,
    docker,
    stop: async () => {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      // dockerd leaves its overlay mounts under the data root on a hard stop: unmount before removing.
      const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((line) => line.split(' ')[1]).filter((m) => m?.startsWith(dir));
      for (const mount of mounts.reverse()) execFileSync('umount', ['-l', mount!]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

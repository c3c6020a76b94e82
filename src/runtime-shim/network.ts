// The `private` network of a sandbox: a network namespace of its own whose outbound traffic goes
// through slirp4netns, a user-mode TCP/IP stack running on the host side. It needs no host
// firewall rules or bridges, works without root (what rootless podman, buildah and BuildKit use),
// and `--disable-host-loopback` keeps the host's 127.0.0.1 out of reach.
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, mkdtempSync, openSync, readlinkSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { TsbuildError } from '../errors.js';
import { inUserNamespace } from '../fs/index.js';
import { isObject } from '../spec/index.js';
import type { PortForward } from './spec.js';

/** slirp4netns's DNS forwarder: it relays queries to the host's resolvers (even loopback ones). */
const SLIRP_DNS = '10.0.2.3';

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 2_000;

/** `$TSBUILD_SLIRP4NETNS` when set (a path), else `slirp4netns` on PATH; undefined when neither is executable. */
export function slirp4netnsPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env['TSBUILD_SLIRP4NETNS'];
  const candidates = override ? [override] : (env['PATH'] ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'slirp4netns'));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why a private network cannot be had here (the start of a warning), or undefined. */
export function privateNetworkProblem(): string | undefined {
  if (slirp4netnsPath() === undefined) return SLIRP4NETNS_MISSING;
  // Rootless, slirp4netns opens /dev/net/tun as the user: hosts without udev leave it 0600 root.
  if (inUserNamespace() && !openable('/dev/net/tun')) return TUN_UNUSABLE;
  return undefined;
}

function openable(path: string): boolean {
  try {
    closeSync(openSync(path, 'r+'));
    return true;
  } catch {
    return false;
  }
}

const TUN_UNUSABLE = '/dev/net/tun cannot be opened by this user, which slirp4netns needs in rootless mode (as root: chmod 0666 /dev/net/tun, its usual mode)';

const SLIRP4NETNS_MISSING = 'slirp4netns is not installed (Debian/Ubuntu: apt-get install slirp4netns)';

/** The arguments for a namespace held by `pid`; fd 3 reports readiness, closing fd 4 stops it. */
export function slirp4netnsArgs(pid: number): string[] {
  return [
    '--configure', '--mtu=65520', '--disable-host-loopback',
    // slirp4netns parses untrusted packets: confine it (its own mount namespace, fewer caps, seccomp).
    '--enable-sandbox', '--enable-seccomp',
    '--ready-fd=3', '--exit-fd=4',
    String(pid), 'tap0',
  ];
}

/** A sandbox's resolv.conf: slirp4netns's forwarder, plus the host's search domains and options. */
export function privateResolvConf(hostResolvConf: string): string {
  const kept = hostResolvConf.split('\n').filter((line) => /^\s*(search|domain|options)\s/.test(line));
  return [`nameserver ${SLIRP_DNS}`, ...kept, ''].join('\n');
}

export interface NetworkAttachment {
  /** Stops slirp4netns (the namespace's interface goes away with it). */
  stop(): Promise<void>;
}

/**
 * Starts slirp4netns for the network namespace of `pid` and resolves once the interface is up and
 * `ports` are forwarded (slirp4netns's `add_hostfwd` over its API socket).
 */
export async function attachSlirp4netns(pid: number, ports: PortForward[] = []): Promise<NetworkAttachment> {
  const binary = slirp4netnsPath();
  if (!binary) throw new TsbuildError('SANDBOX', `${SLIRP4NETNS_MISSING}: a private network needs it; use the host network mode or none instead`);
  const apiDir = ports.length > 0 ? mkdtempSync(join(tmpdir(), 'tsbuild-slirp-')) : undefined;
  const apiSocket = apiDir ? join(apiDir, 'api.sock') : undefined;
  const args = slirp4netnsArgs(pid);
  if (apiSocket) args.unshift(`--api-socket=${apiSocket}`);
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    (child.stdio[4] as Writable).destroy();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    if (apiDir) rmSync(apiDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const failed = (why: string) => reject(new TsbuildError('SANDBOX', `slirp4netns ${why}${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
      const timer = setTimeout(() => failed(`did not configure the network within ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
      (child.stdio[3] as Readable).once('data', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        failed(`could not start (${error.message})`);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        failed(`exited with status ${code ?? 'unknown'} before the network was up`);
      });
    });
    for (const port of ports) await forwardPort(apiSocket as string, port);
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

/** One `add_hostfwd` request on slirp4netns's API socket; its error (a port in use) becomes SANDBOX. */
function forwardPort(socketPath: string, port: PortForward): Promise<void> {
  const request = {
    execute: 'add_hostfwd',
    arguments: { proto: port.protocol, host_addr: port.hostIp, host_port: port.hostPort, guest_port: port.containerPort },
  };
  return new Promise((resolve, reject) => {
    let reply = '';
    const socket = createConnection(socketPath, () => socket.end(JSON.stringify(request)));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('error', (error) => reject(new TsbuildError('SANDBOX', `cannot publish port ${port.hostPort}: ${error.message}`)));
    socket.on('close', () => {
      const parsed = parseReply(reply);
      if (parsed.ok) resolve();
      else reject(new TsbuildError('SANDBOX', `cannot publish ${port.hostIp}:${port.hostPort} -> ${port.containerPort}/${port.protocol}: ${parsed.error}`));
    });
  });
}

function parseReply(reply: string): { ok: boolean; error?: string } {
  try {
    const value: unknown = JSON.parse(reply);
    if (!isObject(value)) return { ok: false, error: `unexpected reply ${JSON.stringify(reply)}` };
    if (value.error !== undefined) {
      const desc = isObject(value.error) && typeof value.error.desc === 'string' ? value.error.desc : undefined;
      return { ok: false, error: desc ?? JSON.stringify(value.error) };
    }
    return { ok: 'return' in value };
  } catch {
    return { ok: false, error: `unexpected reply ${JSON.stringify(reply)}` };
  }
}

/** A private network namespace held open by a process of its own, for runtimes that join one by path. */
export interface HeldNetwork {
  /** `/proc/<holder>/ns/net`. */
  path: string;
  stop(): Promise<void>;
}

const HOLDER_TIMEOUT_MS = 10_000;

/**
 * For runc/crun: `unshare --net` runs `cat` in a new network namespace (it lives until its stdin
 * closes, so also when tsbuild dies), slirp4netns is attached to it (which also brings `lo` up),
 * and the container joins it by path. The namespace exists before the container does, so nothing
 * has to be attached while the runtime is starting it.
 */
export async function holdPrivateNetwork(ports: PortForward[] = []): Promise<HeldNetwork> {
  const holder = spawn('unshare', ['--net', '--', 'cat'], { stdio: ['pipe', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => holder.once('close', () => resolve()));
  const release = async (): Promise<void> => {
    holder.stdin.destroy();
    holder.kill('SIGKILL');
    await exited;
  };
  try {
    const pid = await inOwnNetworkNamespace(holder);
    const attached = await attachSlirp4netns(pid, ports);
    return {
      path: `/proc/${pid}/ns/net`,
      stop: async () => {
        await attached.stop();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/** Resolves with the holder's pid once it has left tsbuild's network namespace. */
async function inOwnNetworkNamespace(holder: ReturnType<typeof spawn>): Promise<number> {
  const pid = holder.pid;
  if (pid === undefined) throw new TsbuildError('SANDBOX', 'cannot start unshare (util-linux) for a private network');
  const own = readlinkSync('/proc/self/ns/net');
  const deadline = Date.now() + HOLDER_TIMEOUT_MS;
  for (;;) {
    if (holder.exitCode !== null || holder.signalCode !== null) {
      throw new TsbuildError('SANDBOX', 'unshare --net exited before a private network namespace was made');
    }
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) !== own) return pid;
    } catch {
      // not there yet, or gone: the exit check above tells
    }
    if (Date.now() > deadline) throw new TsbuildError('SANDBOX', 'unshare --net did not make a network namespace in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

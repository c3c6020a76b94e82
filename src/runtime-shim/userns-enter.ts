// Rootless mode: an ordinary user's tsbuild starts itself again as "root" of a new user namespace
// (with a mount namespace it owns), the way rootlesskit and `buildah unshare` do. With subordinate
// ids the namespace maps 0 to the user and 1..n to the user's subordinate range, written by the
// setuid newuidmap/newgidmap; without, `unshare --map-root-user` maps the user's own ids only.
// Everything else (layer unpack, snapshots, overlay mounts, the sandbox helper) then runs the
// same code as real root, asking src/fs/userns.ts where the namespace differs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { planUserNamespace, rootlessError, singleIdWarning, type UserNamespacePlan } from './userns-host.js';

/** Commands that touch neither the store's snapshots nor the sandbox run as the user, outside. */
const OUTSIDE_COMMANDS = new Set(['plan', 'check', 'version', 'login', 'logout', 'help']);

/** Commands that start sandboxes, which get no cgroup in rootless mode (said once, here). */
const SANDBOX_COMMANDS = new Set(['build', 'run']);
const NO_CGROUPS_WARNING = 'warning: rootless mode: RUN steps and containers get no cgroup (no memory, CPU or pids limits, no OOM report); run as root for limits\n';

/**
 * Whether this invocation should re-execute in a user namespace: not root (inside the namespace
 * tsbuild is root, so it never nests), not switched off with TSBUILD_ROOTLESS=0, and a command
 * that needs it.
 */
export function rootlessWanted(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  if ((process.getuid?.() ?? 0) === 0 || env['TSBUILD_ROOTLESS'] === '0') return false;
  const command = commandOf(argv);
  return command !== undefined && !OUTSIDE_COMMANDS.has(command);
}

function commandOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((arg) => !arg.startsWith('-'));
}

/** The outer tsbuild's pid, handed to the one inside (its direct child: unshare and sh exec). */
const PARENT_ENV = 'TSBUILD_ROOTLESS_PARENT';
const PARENT_POLL_MS = 500;

/**
 * Inside the namespace: if the outer tsbuild dies (SIGKILL, so it could not pass a signal on), this
 * one gets SIGTERM and cancels like after Ctrl-C, instead of building on unseen.
 */
export function watchRootlessParent(env: NodeJS.ProcessEnv = process.env): void {
  const parent = Number(env[PARENT_ENV]);
  delete env[PARENT_ENV]; // not for RUN steps or anything tsbuild starts
  if (!parent || process.ppid !== parent) return;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, PARENT_POLL_MS).unref();
}

/** Runs this same command line inside the namespace; resolves to its exit status. */
export async function runInUserNamespace(argv: readonly string[]): Promise<number> {
  const plan = planUserNamespace();
  if (SANDBOX_COMMANDS.has(commandOf(argv) ?? '')) process.stderr.write(NO_CGROUPS_WARNING);
  // The store is the user's (~/.local/share/tsbuild): decided here, where the real uid is visible.
  // Loaded here, not at start-up: only a rootless command needs the store's default path.
  const { resolveRoot } = await import('../oci/root.js');
  const env = { ...process.env, TSBUILD_ROOT: process.env['TSBUILD_ROOT'] || resolveRoot(), [PARENT_ENV]: String(process.pid) };
  const tsbuild = [process.execPath, ...process.execArgv, '--', ...argv.slice(1)];
  const namespaces = ['--user', '--mount', '--propagation', 'private'];
  let child: ChildProcess;
  if (plan.subordinate) {
    // sh announces on fd 3 that the namespace exists, then waits on fd 4 until its ids are mapped:
    // exec'd after that, tsbuild is uid 0 there and gets the namespace's full capabilities.
    const gate = 'echo >&3; read -r _ <&4; exec 3>&- 4<&-; exec "$@"';
    child = spawn(plan.unshare, [...namespaces, '--', '/bin/sh', '-c', gate, 'sh', ...tsbuild], {
      env, stdio: ['inherit', 'inherit', 'inherit', 'pipe', 'pipe'],
    });
    mapWhenReady(child, plan);
  } else {
    process.stderr.write(singleIdWarning());
    child = spawn(plan.unshare, [...namespaces, '--map-root-user', '--', ...tsbuild], { env, stdio: 'inherit' });
  }
  return waitForExit(child);
}

function mapWhenReady(child: ChildProcess, plan: UserNamespacePlan): void {
  const ready = child.stdio[3] as Readable;
  const go = child.stdio[4] as Writable;
  go.on('error', () => undefined); // the child may die first; its status says why
  ready.once('data', () => {
    try {
      writeIdMaps(child.pid as number, plan);
      go.end('go\n');
    } catch (error) {
      child.kill('SIGKILL');
      process.stderr.write(`error: ${(error as Error).message}\n`);
    }
  });
}

function writeIdMaps(pid: number, plan: UserNamespacePlan): void {
  const sub = plan.subordinate;
  if (!sub) return;
  for (const [tool, own, range] of [[sub.newuidmap, plan.uid, sub.uids], [sub.newgidmap, plan.gid, sub.gids]] as const) {
    const args = [String(pid), '0', String(own), '1', '1', String(range.start), String(range.count)];
    const result = spawnSync(tool, args, { encoding: 'utf8' });
    if (result.status !== 0) {
      const detail = (result.error?.message ?? result.stderr).trim();
      throw rootlessError(`${tool} ${args.join(' ')} failed: ${detail} (check the user's entries in /etc/subuid and /etc/subgid)`);
    }
  }
}

/**
 * The child's status, 128+N for a signal. SIGTERM and SIGHUP are passed on; SIGINT too unless
 * stdin is a terminal, whose Ctrl-C already reaches the child (same process group) — twice would
 * skip its cleanup.
 */
function waitForExit(child: ChildProcess): Promise<number> {
  const forwarded: NodeJS.Signals[] = process.stdin.isTTY ? ['SIGTERM', 'SIGHUP'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const ignored: NodeJS.Signals[] = process.stdin.isTTY ? ['SIGINT'] : [];
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  const ignore = (): void => undefined;
  for (const signal of forwarded) process.on(signal, forward);
  for (const signal of ignored) process.on(signal, ignore);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(rootlessError(`cannot start unshare: ${error.message}`)));
    child.once('close', (code, signal) => {
      for (const s of forwarded) process.off(s, forward);
      for (const s of ignored) process.off(s, ignore);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

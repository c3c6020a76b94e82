// The runc/crun backend: the same SandboxSpec as an OCI bundle, run with `<runtime> run --bundle`.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TsbuildError } from '../errors.js';
import { isObject } from '../spec/index.js';
import type { RunOptions, RunResult, SandboxBackend } from './backend.js';
import { resultFromExitCode, startProcess, type StartedProcess } from './child-process.js';
import { helperAvailable, helperPath } from './helper-path.js';
import { stageMountSources } from './mount-sources.js';
import { ociConfig } from './oci-config.js';
import { overlayMountData } from './overlay-options.js';
import { holdPrivateNetwork } from './network.js';
import { createPrivateDir } from './private-tmpfs.js';
import { cancelledError, withRunDir, type RunDir } from './run-dir.js';
import { checkRunSettings, ociCgroupsPath, ociRlimitsJson } from './run-settings.js';
import { removeStaleRuntimeCgroups } from './cgroups.js';
import type { SandboxSpec } from './spec.js';
import { hostTerminalSize, TTY_CONTROL_FD } from './terminal.js';

const run = promisify(execFile);

/** runc, or crun (same CLI; crun refuses cgroup v1/v2 hybrid hosts, so it is untested here). */
export class OciRuntimeBackend implements SandboxBackend {
  readonly name: 'runc' | 'crun';
  readonly binary: string;

  constructor(name: 'runc' | 'crun', binary: string = name) {
    this.name = name;
    this.binary = binary;
  }

  async run(spec: SandboxSpec, options: RunOptions = {}): Promise<RunResult> {
    checkRunSettings(spec);
    if (process.getuid?.() === 0) removeStaleRuntimeCgroups(undefined, spec.cgroupParent);
    if (spec.stdio === 'tty' && !helperAvailable()) {
      throw new TsbuildError('SANDBOX', `a terminal (tty) with ${this.name} needs the native helper ${helperPath()} (run node scripts/build-native.mjs)`);
    }
    return withRunDir(spec, options.signal, async (dir, runSpec) => {
      const rootPath = await mountRootfs(runSpec, dir);
      try {
        return await this.runBundle(dir, runSpec, rootPath, options);
      } finally {
        if (rootPath === dir.rootMountpoint) await run('umount', [rootPath]);
      }
    });
  }

  private async runBundle(dir: RunDir, spec: SandboxSpec, rootPath: string, options: RunOptions): Promise<RunResult> {
    // Also the cgroup name, directly under each hierarchy's root (or the cgroup parent): `runc delete` leaves nothing behind.
    const id = `tsbuild-${process.pid}-${randomBytes(4).toString('hex')}`;
    // config.json holds the env, secrets included: the bundle lives on a tmpfs, never on a disk.
    const bundle = createPrivateDir();
    try {
      const sources = await stageMountSources(spec.mounts ?? [], dir.path);
      try {
        const network = spec.network === 'private' ? await holdPrivateNetwork(spec.ports ?? []) : undefined;
        try {
          const terminalSize = spec.stdio === 'tty' ? hostTerminalSize() : undefined;
          const cgroupsPath = ociCgroupsPath(id, spec.cgroupParent);
          const config = ociConfig({ ...spec, mounts: sources.mounts }, rootPath, dir.etcMounts, cgroupsPath, network?.path, terminalSize);
          writeFileSync(join(bundle.path, 'config.json'), ociRlimitsJson(config), { mode: 0o600 });
          const rootMount = rootPath === dir.rootMountpoint ? rootPath : undefined;
          return await this.runContainer(bundle.path, spec, id, rootMount, options);
        } finally {
          await network?.stop();
        }
      } finally {
        await sources.release();
      }
    } finally {
      bundle.remove();
    }
  }

  private async runContainer(bundlePath: string, spec: SandboxSpec, id: string, rootMount: string | undefined, options: RunOptions): Promise<RunResult> {
    const stateDir = join(bundlePath, 'state');
    mkdirSync(stateDir);
    const log = join(bundlePath, 'runtime.log');
    const global = ['--root', stateDir, '--log', log, '--log-format', 'json'];
    if (options.signal?.aborted) throw cancelledError(); // aborted while the overlay was mounted
    const started = spec.stdio === 'tty'
      ? this.startWithTerminal(bundlePath, global, id, rootMount, options)
      : startProcess(...supervised(bundlePath, rootMount, [this.binary, ...global, 'run', '--bundle', bundlePath, id]), spec.stdio ?? 'pipe', options);
    options.onExecTarget?.({ backend: this.name, binary: this.binary, stateRoot: stateDir, id });
    let killer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      // The container may not exist yet when the abort comes: keep killing until `runc run` returns.
      const kill = (): void => void run(this.binary, [...global, 'kill', id, 'KILL']).catch(() => undefined);
      kill();
      killer = setInterval(kill, 100);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const { exitCode, statusText } = await started.done;
      if (options.signal?.aborted) throw cancelledError();
      if (statusText.trim() !== '') throw new TsbuildError('SANDBOX', statusText.trim());
      return this.interpret(exitCode, log, options);
    } finally {
      clearInterval(killer);
      options.signal?.removeEventListener('abort', onAbort);
      // Removes the container's state and cgroup, killing whatever is left.
      await run(this.binary, [...global, 'delete', '--force', id]).catch(() => undefined);
    }
  }

  /**
   * With a terminal, `<runtime> run` in the foreground wants a terminal of its own, and Node cannot
   * receive the console's fd: the native helper's `--oci-tty` mode runs the container detached as
   * its child subreaper, takes the master from the console socket and relays it (its signals go to
   * the container); should tsbuild die, it kills the container and detaches `rootMount`.
   */
  private startWithTerminal(bundlePath: string, global: string[], id: string, rootMount: string | undefined, options: RunOptions): StartedProcess {
    const socket = join(bundlePath, 'console.sock');
    const pidFile = join(bundlePath, 'container.pid');
    const runtime = [this.binary, ...global, 'run', '--detach', '--console-socket', socket, '--pid-file', pidFile, '--bundle', bundlePath, id];
    return startProcess(helperPath(), ['--oci-tty', socket, pidFile, String(TTY_CONTROL_FD), rootMount ?? '-', '--', ...runtime], 'tty', options,
      { status: true, ttyControl: true });
  }

  /** A runtime error before the command started is a SANDBOX error, except a missing executable (127). */
  private interpret(exitCode: number, log: string, options: RunOptions): RunResult {
    const error = lastLoggedError(log);
    if (exitCode === 0 || !error) return resultFromExitCode(exitCode);
    if (/exec: .*(executable file not found|no such file or directory)/.test(error)) {
      options.onStderr?.(Buffer.from(`${this.name}: ${error}\n`));
      return { exitCode: 127 };
    }
    throw new TsbuildError('SANDBOX', `${this.name}: ${error}`);
  }
}

/**
 * `runc run` in the foreground, and its container, outlive a SIGKILLed tsbuild: the helper's
 * `--supervise` mode runs it as its child and SIGKILLs the container when tsbuild dies (and detaches
 * the overlay rootfs tsbuild mounted, `rootMount`). Signals for
 * the command (onSpawn) go to the helper, which passes them to runc, which forwards them inside.
 */
function supervised(bundlePath: string, rootMount: string | undefined, command: string[]): [string, string[]] {
  if (!helperAvailable()) return [command[0]!, command.slice(1)];
  const pidFile = join(bundlePath, 'container.pid');
  const run = command.indexOf('run');
  const withPidFile = [...command.slice(0, run + 1), '--pid-file', pidFile, ...command.slice(run + 1)];
  return [helperPath(), ['--supervise', pidFile, rootMount ?? '-', '--', ...withPidFile]];
}

/** The bundle root: the directory itself, or an overlay mounted on the run dir's mount point. */
async function mountRootfs(spec: SandboxSpec, dir: RunDir): Promise<string> {
  const rootfs = spec.rootfs;
  if (rootfs.kind === 'directory') return rootfs.path;
  const data = overlayMountData(rootfs, join(dir.path, 'l'));
  try {
    await run('mount', ['-t', 'overlay', 'overlay', '-o', `nodev,${data}`, dir.rootMountpoint]);
  } catch (err) {
    throw new TsbuildError('SANDBOX', `cannot mount the overlay rootfs: ${(err as Error).message}`, { cause: err });
  }
  return dir.rootMountpoint;
}

/** The last error of a runtime's JSON log (`--log-format json`), if any. */
export function lastLoggedError(log: string): string | undefined {
  if (!existsSync(log)) return undefined;
  const errors = readFileSync(log, 'utf8').split('\n').flatMap((line) => {
    try {
      const entry: unknown = JSON.parse(line);
      return isObject(entry) && entry['level'] === 'error' && typeof entry['msg'] === 'string' && entry['msg'] ? [entry['msg']] : [];
    } catch {
      return [];
    }
  });
  return errors.at(-1);
}

// The builtin backend: runs a SandboxSpec through the native helper (native/tsbuild-sandbox.c).
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { TsbuildError } from '../errors.js';
import { inUserNamespace } from '../fs/index.js';
import type { RunOptions, RunResult, SandboxBackend } from './backend.js';
import { encodeHelperSpec, NETNS_SYNC_FD } from './builtin-spec.js';
import { createRunCgroup, detectCgroupLayout, removeStaleCgroups, type RunCgroup } from './cgroups.js';
import { resultFromExitCode, startProcess, type StartedProcess } from './child-process.js';
import { helperAvailable, helperPath } from './helper-path.js';
import { oomKilled } from './cgroup-stats.js';
import { attachSlirp4netns, type NetworkAttachment } from './network.js';
import { createPrivateDir, type PrivateDir } from './private-tmpfs.js';
import { cancelledError, withRunDir, type RunDir } from './run-dir.js';
import { checkRunSettings } from './run-settings.js';
import type { PortForward, SandboxSpec } from './spec.js';
import { hostTerminalSize } from './terminal.js';

export class BuiltinBackend implements SandboxBackend {
  readonly name = 'builtin' as const;
  readonly helper: string;

  constructor(helper = helperPath()) {
    this.helper = helper;
  }

  async run(spec: SandboxSpec, options: RunOptions = {}): Promise<RunResult> {
    checkSupported(spec);
    checkRunSettings(spec);
    if (!helperAvailable(this.helper)) {
      throw new TsbuildError('SANDBOX', `sandbox helper not found at ${this.helper} (run scripts/build-native.mjs)`);
    }
    return withRunDir(spec, options.signal, (dir, runSpec) => this.runIn(dir, runSpec, options));
  }

  private async runIn(dir: RunDir, spec: SandboxSpec, options: RunOptions): Promise<RunResult> {
    const cgroup = runCgroup(spec);
    const signal = options.signal;
    let onAbort = (): void => undefined;
    let specDir: PrivateDir | undefined;
    let network: Promise<NetworkAttachment | undefined> = Promise.resolve(undefined);
    try {
      // The spec holds the env, secrets included: it goes to a tmpfs, never to a disk.
      specDir = createPrivateDir();
      const specFile = join(specDir.path, 'spec');
      const cgroupProcs = cgroup?.procsFiles ?? [];
      const dropMknod = !cgroup?.restrictsDevices;
      const terminalSize = spec.stdio === 'tty' ? hostTerminalSize() : undefined;
      const inputs = { rootMountpoint: dir.rootMountpoint, lowerLinkDir: join(dir.path, 'l'), etcMounts: dir.etcMounts, cgroupProcs, dropMknod, terminalSize };
      writeFileSync(specFile, encodeHelperSpec(spec, inputs), { mode: 0o600 });
      const privateNetwork = spec.network === 'private';
      const started = startProcess(this.helper, [specFile], spec.stdio ?? 'pipe', options,
        { status: true, sync: privateNetwork, ttyControl: spec.stdio === 'tty' });
      if (started.child.pid !== undefined) {
        options.onExecTarget?.({
          backend: 'builtin', helperPid: started.child.pid, cgroupProcs, noMknod: dropMknod, noNewPrivileges: spec.noNewPrivileges !== false,
          seccomp: spec.seccomp ?? 'default', env: spec.env, cwd: spec.cwd, user: spec.user,
        });
      }
      if (privateNetwork) {
        network = connectNetwork(started, spec.ports ?? []);
        network.catch(() => undefined); // awaited once the helper has exited
      }
      onAbort = () => {
        // The helper's death SIGKILLs the namespace's init (PDEATHSIG), which takes every process with
        // it; its process group holds the init and the stdio relay too, should either not have
        // armed PDEATHSIG yet.
        killProcessGroup(started.child.pid);
        started.child.kill('SIGKILL');
        cgroup?.kill();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const { exitCode, statusText } = await started.done;
      if (signal?.aborted) throw cancelledError();
      await network; // its failure is the cause of the helper's
      if (statusText.trim() !== '') throw new TsbuildError('SANDBOX', statusText.trim());
      const result = resultFromExitCode(exitCode);
      return cgroup && oomKilled(cgroup.dirs) ? { ...result, oomKilled: true } : result;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await network.then((attached) => attached?.stop(), () => undefined);
      specDir?.remove();
      await cgroup?.remove();
    }
  }
}

/**
 * The helper reports on its sync socket once it is in its new network namespace; slirp4netns is
 * attached to it there, then one byte lets the command start. A failure kills the helper.
 */
function connectNetwork(started: StartedProcess, ports: PortForward[]): Promise<NetworkAttachment | undefined> {
  const socket = started.child.stdio[NETNS_SYNC_FD] as Duplex;
  return new Promise<NetworkAttachment | undefined>((resolve, reject) => {
    let reported = false;
    socket.on('error', () => undefined); // the helper may die first; its status says why
    socket.once('close', () => {
      if (!reported) resolve(undefined); // it failed before reporting
    });
    socket.once('data', () => {
      reported = true;
      attachSlirp4netns(started.child.pid as number, ports).then((attached) => {
        socket.end('1');
        resolve(attached);
      }, (error: unknown) => {
        started.child.kill('SIGKILL');
        reject(error);
      });
    });
  });
}

function killProcessGroup(leader: number | undefined): void {
  if (leader === undefined) return;
  try {
    process.kill(-leader, 'SIGKILL');
  } catch {
    // already gone
  }
}

function checkSupported(spec: SandboxSpec): void {
  if (spec.uidMappings?.length || spec.gidMappings?.length) {
    throw new TsbuildError('SANDBOX', 'user-namespace id mappings are not supported by the builtin sandbox yet');
  }
}

/** A cgroup for the run; without cgroup access a run that asks for no limits (and no parent) goes ahead without one. */
function runCgroup(spec: SandboxSpec): RunCgroup | undefined {
  const limits = spec.limits ?? {};
  const parent = spec.cgroupParent;
  const wantsLimits = Object.values(limits).some((v) => v !== undefined);
  const needed = wantsLimits ? 'resource limits (memory, CPU quota, process count) need' : parent !== undefined ? `a cgroup parent (${parent}) needs` : undefined;
  if (inUserNamespace()) {
    // Rootless: the host's cgroups belong to root (the one warning is printed on entering the namespace).
    if (needed) throw new TsbuildError('ROOTLESS', `${needed} cgroups, which rootless tsbuild cannot write; drop them or run as root`);
    return undefined;
  }
  const layout = detectCgroupLayout();
  if (!layout) {
    if (needed) throw new TsbuildError('SANDBOX', `${needed} cgroups, and none are mounted`);
    return undefined;
  }
  try {
    removeStaleCgroups(layout, parent);
    return createRunCgroup(layout, `run-${process.pid}-${randomBytes(4).toString('hex')}`, limits, parent);
  } catch (err) {
    if (needed || process.getuid?.() === 0) throw err;
    return undefined;
  }
}

// The builtin backend: runs a SandboxSpec through the native helper (native/tsbuild-sandbox.c).
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import type { RunOptions, RunResult, SandboxBackend } from './backend.js';
import { encodeHelperSpec } from './builtin-spec.js';
import { createRunCgroup, detectCgroupLayout, removeStaleCgroups, type RunCgroup } from './cgroups.js';
import { resultFromExitCode, startProcess } from './child-process.js';
import { helperAvailable, helperPath } from './helper-path.js';
import { createPrivateDir, type PrivateDir } from './private-tmpfs.js';
import { cancelledError, withRunDir, type RunDir } from './run-dir.js';
import type { SandboxSpec } from './spec.js';

export class BuiltinBackend implements SandboxBackend {
  readonly name = 'builtin' as const;
  readonly helper: string;

  constructor(helper = helperPath()) {
    this.helper = helper;
  }

  async run(spec: SandboxSpec, options: RunOptions = {}): Promise<RunResult> {
    checkSupported(spec);
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
    try {
      // The spec holds the env, secrets included: it goes to a tmpfs, never to a disk.
      specDir = createPrivateDir();
      const specFile = join(specDir.path, 'spec');
      const cgroupProcs = cgroup?.procsFiles ?? [];
      const dropMknod = !cgroup?.restrictsDevices;
      const inputs = { rootMountpoint: dir.rootMountpoint, lowerLinkDir: join(dir.path, 'l'), etcMounts: dir.etcMounts, cgroupProcs, dropMknod };
      writeFileSync(specFile, encodeHelperSpec(spec, inputs), { mode: 0o600 });
      const started = startProcess(this.helper, [specFile], spec.stdio ?? 'pipe', options, true);
      onAbort = () => {
        // The helper's death SIGKILLs the namespace's init (PDEATHSIG), which takes every process with it.
        started.child.kill('SIGKILL');
        cgroup?.kill();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const { exitCode, statusText } = await started.done;
      if (signal?.aborted) throw cancelledError();
      if (statusText.trim() !== '') throw new TsbuildError('SANDBOX', statusText.trim());
      return resultFromExitCode(exitCode);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      specDir?.remove();
      await cgroup?.remove();
    }
  }
}

function checkSupported(spec: SandboxSpec): void {
  if (spec.stdio === 'tty') throw new TsbuildError('SANDBOX', 'a terminal (tty) is not supported by the builtin sandbox yet');
  if (spec.uidMappings?.length || spec.gidMappings?.length) {
    throw new TsbuildError('SANDBOX', 'user-namespace id mappings are not supported by the builtin sandbox yet');
  }
}

/** A cgroup for the run; without cgroup access a run that asks for no limits goes ahead without one. */
function runCgroup(spec: SandboxSpec): RunCgroup | undefined {
  const limits = spec.limits ?? {};
  const wantsLimits = Object.values(limits).some((v) => v !== undefined);
  const layout = detectCgroupLayout();
  if (!layout) {
    if (wantsLimits) throw new TsbuildError('SANDBOX', 'resource limits need cgroups, and none are mounted');
    return undefined;
  }
  try {
    removeStaleCgroups(layout);
    return createRunCgroup(layout, `run-${process.pid}-${randomBytes(4).toString('hex')}`, limits);
  } catch (err) {
    if (wantsLimits || process.getuid?.() === 0) throw err;
    return undefined;
  }
}

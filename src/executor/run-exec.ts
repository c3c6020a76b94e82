// Runs a RUN step: its command in the sandbox over a writable rootfs, output streamed to
// progress, and a failure reported with the command, the Dockerfile line and the output tail.
import { atStep, withLocation } from './step-location.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { StepFailedError } from '../errors.js';
import { ownerToken } from '../fs/index.js';
import type { ExecOp, Step } from '../planner/index.js';
import { setEnv } from '../planner/index.js';
import { resolveUser, privateResolvConf, assertCanRun } from '../runtime-shim/index.js';
import type { NetworkMode, Rootfs, SandboxSpec } from '../runtime-shim/index.js';
import { contextMountDigests, prepareMounts, subpathOnlyInputs } from './exec-mounts.js';
import { runLayerStep, type RootfsTarget } from './layer-step.js';
import { runLimits } from './run-limits.js';
import { runNetwork } from './run-network.js';
import { OutputLines } from './output-lines.js';
import type { BuildContext } from './context.js';
import type { BuildState } from './state.js';
import type { StepResult } from './step-result.js';
import type { BuildOptions } from './options.js';

const HOSTNAME = 'buildkitsandbox';
const OUTPUT_TAIL_LINES = 10;

export async function runExecStep(ctx: BuildContext, state: BuildState, step: Step, op: ExecOp, signal: AbortSignal): Promise<StepResult> {
  const byContent = new Set([...subpathOnlyInputs(op)].filter((id) => id !== step.inputs[0]));
  return runLayerStep(ctx, state, step, {
    contents: { ...(await contextMountDigests(ctx, state, step, op)), ...extraHostsKey(ctx.options.addHosts), ...runSettingsKey(ctx.options) },
    ...(byContent.size > 0 ? { byContent: { inputs: byContent, definition: withoutStepIds(op, byContent) } } : {}),
    target: 'overlay',
    apply: (target, stepSignal) => execute(ctx, state, step, op, target, stepSignal),
  }, signal);
}

/** The op with the ids of steps read by content blanked out of its mounts (their ids change with them). */
function withoutStepIds(op: ExecOp, ids: ReadonlySet<string>): ExecOp {
  const mounts = op.mounts.map((m) => ('from' in m && m.from?.kind === 'step' && ids.has(m.from.step) ? { ...m, from: { kind: 'step' as const, step: '' } } : m));
  return { ...op, mounts };
}

async function execute(ctx: BuildContext, state: BuildState, step: Step, op: ExecOp, target: RootfsTarget, signal: AbortSignal): Promise<void> {
  await assertCanRun(op.platform, step);
  const scratch = mkdtempSync(path.join(ctx.layout.tmp, `run-${ownerToken()}-`));
  const mounts = await prepareMounts(ctx, state, step, op, scratch);
  const tail = new OutputTail(OUTPUT_TAIL_LINES);
  const label = { stepId: step.id, name: state.stepNames.get(step.id) ?? step.instruction, line: step.range?.start.line };
  try {
    const spec = withLocation(step, () => sandboxSpec(ctx, state, op, toSandboxRootfs(target), mounts.mounts, mounts.env));
    const backend = await ctx.sandbox().catch((error: unknown) => Promise.reject(atStep(step, error)));
    const lines = (stream: 'stdout' | 'stderr') => new OutputLines((text) => ctx.emit({ type: 'step.log', ...label, stream, text }));
    const stdout = lines('stdout');
    const stderr = lines('stderr');
    const forward = (output: OutputLines) => (chunk: Buffer) => {
      tail.push(chunk.toString('utf8'));
      output.push(chunk);
    };
    // A sandbox that cannot be set up (no runtime, too many layers, ...) names the RUN it was for.
    const result = await backend
      .run(spec, { signal, onStdout: forward(stdout), onStderr: forward(stderr) })
      .catch((error: unknown) => Promise.reject(atStep(step, error)))
      .finally(() => {
        stdout.end();
        stderr.end();
      });
    if (result.exitCode !== 0) {
      const command = op.args.join(' ');
      const output = tail.lines().map((l) => `  > ${l}`).join('\n');
      const memory = spec.limits?.memoryBytes;
      const oom = result.oomKilled ? ` (out of memory${memory ? `: the step's memory limit is ${mebibytes(memory)}` : ''})` : '';
      throw new StepFailedError(
        `RUN failed: process "${command}" did not complete successfully: exit code: ${result.exitCode}${oom}${output ? `\n${output}` : ''}`,
        result.exitCode,
        { file: step.file, line: step.range?.start.line ?? 0, column: 1 },
      );
    }
  } finally {
    mounts.release();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function mebibytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

function toSandboxRootfs(target: RootfsTarget): Rootfs {
  if (target.kind === 'mounted') return { kind: 'directory', path: target.rootfs.rootfs };
  return { kind: 'overlay', lowerdirs: target.lowerdirs, upperdir: target.upperdir, workdir: target.workdir };
}

/** Prefixes a TsbuildError from `action` (e.g. an unknown USER) with the step's `file:line`. */
function sandboxSpec(ctx: BuildContext, state: BuildState, op: ExecOp, rootfs: Rootfs, mounts: SandboxSpec['mounts'], extraEnv: string[]): SandboxSpec {
  const user = resolveUser(op.user || '0', rootfs);
  const hostname = op.hostname ?? HOSTNAME;
  const network = runNetwork(ctx, op);
  // The proxy variables replace what the step's env has under their names (containerd's WithEnv in BuildKit).
  let env = [...op.env];
  for (const entry of state.plan.proxyEnv) env = setEnv(env, entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1));
  env.push(...extraEnv);
  // runc (so BuildKit) sets HOME from the user's passwd entry when the env has none.
  if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${user.home}`);
  return {
    args: op.args,
    env,
    cwd: op.cwd,
    user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
    rootfs,
    mounts,
    network,
    limits: runLimits(ctx.options.runLimits),
    ...(ctx.options.ulimits?.length ? { ulimits: ctx.options.ulimits } : {}),
    ...(ctx.options.shmSize !== undefined ? { shmSize: ctx.options.shmSize } : {}),
    ...(ctx.options.cgroupParent !== undefined ? { cgroupParent: ctx.options.cgroupParent } : {}),
    hostname,
    noNewPrivileges: false,
    stdio: 'pipe',
    etcFiles: {
      hostname: `${hostname}\n`,
      hosts: `127.0.0.1\tlocalhost ${hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n${extraHosts(ctx.options.addHosts)}`,
      resolvConf: resolvConfFor(network),
    },
  };
}

/** `--add-host` is part of a RUN step's key, as BuildKit's ExecOp has its extra hosts (none: keys as before). */
function extraHostsKey(hosts: { name: string; ip: string }[] | undefined): Record<string, string> {
  return hosts?.length ? { 'add-hosts': extraHosts(hosts) } : {};
}

/**
 * `--ulimit`, `--shm-size` and `--cgroup-parent` are part of a RUN step's key, as they are of
 * BuildKit's ExecOp (its Meta and its /dev/shm mount); unset, they leave keys as before.
 */
function runSettingsKey(options: BuildOptions): Record<string, string> {
  const key: Record<string, string> = {};
  const ulimits = [...(options.ulimits ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  if (ulimits.length > 0) key['ulimits'] = ulimits.map((u) => `${u.name}=${u.soft}:${u.hard}`).join(',');
  if (options.shmSize !== undefined) key['shm-size'] = String(options.shmSize);
  if (options.cgroupParent !== undefined) key['cgroup-parent'] = options.cgroupParent;
  return key;
}

/** `--add-host` entries, one line each, as docker writes them. */
function extraHosts(hosts: { name: string; ip: string }[] | undefined): string {
  return (hosts ?? []).map(({ name, ip }) => `${ip}\t${name}\n`).join('');
}

function resolvConfFor(network: NetworkMode): string {
  if (network === 'none') return '';
  let host: string;
  try {
    host = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    host = 'nameserver 127.0.0.1\n';
  }
  return network === 'private' ? privateResolvConf(host) : host;
}

/** Keeps the last lines of a step's output for its error message. */
class OutputTail {
  private buffer = '';

  constructor(private readonly max: number) {}

  push(text: string): void {
    this.buffer = (this.buffer + text).split('\n').slice(-(this.max + 1)).join('\n');
  }

  lines(): string[] {
    return this.buffer.replace(/\n$/, '').split('\n').filter((l) => l.length > 0).slice(-this.max);
  }
}

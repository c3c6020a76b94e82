// `exec`: one more process in a running container, the way its backend reaches it — the builtin
// helper's `--exec` mode joins the init's namespaces and cgroups; runc/crun run `<runtime> exec`
// against the container's state root (its bundle's config.json gives the defaults).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TsbuildError } from '../errors.js';
import { isObject } from '../spec/index.js';
import type { ExecTarget, RunOptions, RunResult } from './backend.js';
import { encodeExecSpec } from './builtin-spec.js';
import { resultFromExitCode, startProcess } from './child-process.js';
import { helperPath } from './helper-path.js';
import { lastLoggedError } from './oci-runtime.js';
import { createPrivateDir } from './private-tmpfs.js';
import { resolveUser } from './user.js';

const run = promisify(execFile);

export type { ExecTarget } from './backend.js';

export interface ExecRequest {
  args: string[];
  /** `KEY=value` entries added to (or replacing those of) the container's env. */
  env: string[];
  /** Docker's `-u`: `user[:group]`, names resolved in the container's /etc/passwd and /etc/group. */
  user?: string;
  cwd?: string;
  /** `-i`: tsbuild's stdin goes to the command; otherwise it reads an empty stdin. */
  interactive: boolean;
}

/** Runs `request` in the container and resolves with its exit status (127/126 when it cannot be executed). */
export async function execInContainer(target: ExecTarget, request: ExecRequest, options: RunOptions = {}): Promise<RunResult> {
  return target.backend === 'builtin' ? execBuiltin(target, request, options) : execRuntime(target, request, options);
}

async function execBuiltin(target: Extract<ExecTarget, { backend: 'builtin' }>, request: ExecRequest, options: RunOptions): Promise<RunResult> {
  const init = containerInit(target.helperPid);
  const user = request.user !== undefined ? resolveUser(request.user, { kind: 'directory', path: `/proc/${init}/root` }) : target.user;
  const dir = createPrivateDir(); // the spec holds the env
  try {
    const specFile = join(dir.path, 'spec');
    writeFileSync(specFile, encodeExecSpec({
      args: request.args, env: mergeEnv(target.env, request.env), cwd: request.cwd ?? target.cwd, user,
      cgroupProcs: target.cgroupProcs, noMknod: target.noMknod, noNewPrivileges: target.noNewPrivileges, seccomp: target.seccomp,
    }), { mode: 0o600 });
    const started = startProcess(helperPath(), ['--exec', specFile, String(init)], request.interactive ? 'inherit' : 'pipe', options, { status: true });
    const { exitCode, statusText } = await started.done;
    if (statusText.trim() !== '') throw new TsbuildError('SANDBOX', statusText.trim().replace(/^tsbuild-sandbox: /, ''));
    return resultFromExitCode(exitCode);
  } finally {
    dir.remove();
  }
}

async function execRuntime(target: Extract<ExecTarget, { backend: 'runc' | 'crun' }>, request: ExecRequest, options: RunOptions): Promise<RunResult> {
  const global = ['--root', target.stateRoot];
  const dir = createPrivateDir();
  try {
    const log = join(dir.path, 'runtime.log');
    const args = [...global, '--log', log, '--log-format', 'json', 'exec'];
    if (request.cwd !== undefined) args.push('--cwd', request.cwd);
    for (const e of request.env) args.push('--env', e);
    if (request.user !== undefined) {
      const init = await runtimeInit(target);
      const user = resolveUser(request.user, { kind: 'directory', path: `/proc/${init}/root` });
      args.push('--user', `${user.uid}:${user.gid}`);
      for (const g of user.additionalGids ?? []) args.push('--additional-gids', String(g));
    }
    args.push(target.id, ...request.args);
    const started = startProcess(target.binary, args, request.interactive ? 'inherit' : 'pipe', options);
    const { exitCode } = await started.done;
    const error = lastLoggedError(log);
    if (exitCode === 0 || error === undefined) return resultFromExitCode(exitCode);
    if (/executable file not found|no such file or directory/.test(error)) return failedExec(options, target.backend, error, 127);
    if (/permission denied/.test(error)) return failedExec(options, target.backend, error, 126);
    throw new TsbuildError('SANDBOX', `${target.backend}: ${error}`);
  } finally {
    dir.remove();
  }
}

function failedExec(options: RunOptions, backend: string, error: string, exitCode: number): RunResult {
  (options.onStderr ?? ((chunk: Buffer) => process.stderr.write(chunk)))(Buffer.from(`${backend}: ${error}\n`));
  return { exitCode };
}

/** The container's init: the helper's child that is PID 1 of its own namespace. */
function containerInit(helperPid: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${entry}/status`, 'utf8');
    } catch {
      continue;
    }
    if (/^PPid:\s+(\d+)$/m.exec(status)?.[1] !== String(helperPid)) continue;
    if (/^NSpid:.*\s1$/m.test(status)) return Number(entry);
  }
  throw new TsbuildError('SANDBOX', 'the container is not running (its init process is gone)');
}

async function runtimeInit(target: Extract<ExecTarget, { backend: 'runc' | 'crun' }>): Promise<number> {
  try {
    const { stdout } = await run(target.binary, ['--root', target.stateRoot, 'state', target.id]);
    const state: unknown = JSON.parse(stdout);
    if (isObject(state) && typeof state['pid'] === 'number' && state['pid'] > 0) return state['pid'];
  } catch {
    // reported below
  }
  throw new TsbuildError('SANDBOX', 'the container is not running (its runtime no longer knows it)');
}

/** Docker's rule: an exec's `-e` overrides the container's variable of the same name. */
function mergeEnv(base: string[], extra: string[]): string[] {
  const key = (entry: string): string => entry.split('=', 1)[0] ?? entry;
  const overridden = new Set(extra.map(key));
  return [...base.filter((e) => !overridden.has(key(e))), ...extra];
}

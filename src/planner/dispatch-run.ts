// RUN: shell wrapping (heredocs as BuildKit does them), the process env, and the exec step.
import type { Heredoc, RunInstruction } from '../parser/index.js';
import type { PlanContext } from './context.js';
import { commandArgs } from './dispatch-command.js';
import { planMounts } from './mounts.js';
import { runStepName } from './step-name.js';
import { envToMap } from './scope.js';
import { DEFAULT_PATH_ENV, defaultShell, workdirOf } from './stage-state.js';
import type { StageState } from './stage-state.js';
import type { ExecOp, HeredocFile } from './types.js';

export async function dispatchRun(ctx: PlanContext, state: StageState, ins: RunInstruction): Promise<StageState> {
  const { args, files } = runArgs(state, ins);
  const mounts = await planMounts(ctx, state, ins);
  const op: ExecOp = {
    kind: 'exec',
    args,
    env: processEnv(state),
    buildArgs: historyArgs(state),
    user: state.config.User ?? '',
    cwd: workdirOf(state),
    mounts: mounts.mounts,
    network: ins.network ?? 'default',
    security: ins.security ?? 'sandbox',
    platform: ctx.platformOf(state),
    files,
    ...(ctx.sandboxHostname ? { hostname: ctx.sandboxHostname } : {}),
  };
  const name = runStepName(ins.original, op.env, op.mounts, ctx.escape);
  const head = ctx.addStep(op, [state.head, ...mounts.inputs], state.stage, ins.original, ins.range, { name });
  return { ...state, head };
}

/**
 * A lone heredoc (`RUN <<EOF`) runs its body: as a script file when it starts with `#!`, else
 * through the shell. Any other heredoc use is handed to the shell whole, bodies re-attached.
 */
function runArgs(state: StageState, ins: RunInstruction): { args: string[]; files: HeredocFile[] } {
  const command = ins.command;
  if (command.form === 'exec' || command.heredocs.length === 0) return { args: commandArgs(state, command), files: [] };
  const shell = state.config.Shell ?? defaultShell(state);
  const [first] = command.heredocs;
  if (first && command.heredocs.length === 1 && isLoneHeredoc(command.script, first)) {
    if (first.content.startsWith('#!')) {
      const path = `/dev/pipes/${first.name}`;
      return { args: [path], files: [{ path, content: first.content, mode: 0o755 }] };
    }
    return { args: [...shell, first.content], files: [] };
  }
  const full = command.heredocs.reduce((text, h) => `${text}\n${h.content}${h.name}`, command.script);
  return { args: [...shell, full], files: [] };
}

function isLoneHeredoc(script: string, heredoc: Heredoc): boolean {
  return /^<<-?(["']?)[^\s"']+\1$/.test(script.trim()) && script.includes(heredoc.name);
}

/** Image env (ENV wins) plus ARG values in scope; PATH defaulted like BuildKit. */
/** The stage's ARGs as BuildKit lists them in RUN history (`RUN |1 V=1 ...`): ENV wins. */
function historyArgs(state: StageState): string[] {
  const env = envToMap(state.config.Env ?? []);
  return [...state.args].map(([name, value]) => `${name}=${env.get(name) ?? value ?? ''}`);
}

function processEnv(state: StageState): string[] {
  const env = [...(state.config.Env ?? [])];
  const defined = envToMap(env);
  for (const [name, value] of state.args) {
    if (value !== undefined && !defined.has(name)) env.push(`${name}=${value}`);
  }
  if (!defined.has('PATH')) env.push(DEFAULT_PATH_ENV);
  return env;
}

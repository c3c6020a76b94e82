// Dispatches one plan step to the runner of its op kind.
import { TsbuildError } from '../errors.js';
import type { ConfigOp, Step } from '../planner/index.js';
import { applyConfigChange, historyFor } from './image-config.js';
import { runExecStep } from './run-exec.js';
import { runCopyStep, runMkdirStep } from './run-file.js';
import { runSourceStep } from './run-source.js';
import type { BuildContext } from './context.js';
import type { BuildState } from './state.js';
import type { StepResult } from './step-result.js';

export async function runStep(ctx: BuildContext, state: BuildState, step: Step, signal: AbortSignal): Promise<StepResult> {
  const op = step.op;
  switch (op.kind) {
    case 'source':
      return runSourceStep(ctx, state, step, op);
    case 'config':
      return runConfigStep(ctx, state, step, op);
    case 'exec':
      return runExecStep(ctx, state, step, op, signal);
    case 'file':
      if (op.action === 'copy') return runCopyStep(ctx, state, step, op, signal);
      return withWorkingDir(await runMkdirStep(ctx, state, step, op, signal), op.path);
    default: {
      const unknown: never = op;
      throw new TsbuildError('INTERNAL', `unknown op ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * ENV, LABEL, CMD, ...: a new config and history entry. The key stays the parent's: metadata
 * never invalidates later filesystem steps (their own definitions carry the env they use).
 */
function runConfigStep(ctx: BuildContext, state: BuildState, step: Step, op: ConfigOp): StepResult {
  const parent = state.resultOf(step.inputs[0] ?? '');
  return {
    key: parent.key,
    // Undated unless SOURCE_DATE_EPOCH is set: the export dates it after the step it follows.
    config: applyConfigChange(parent.config, op.set, historyFor(step, ctx.options.sourceDateEpoch === undefined ? undefined : ctx.created)),
    layers: parent.layers,
  };
}

/** WORKDIR both creates the directory (a layer step) and sets the config's WorkingDir. */
function withWorkingDir(result: StepResult, dir: string): StepResult {
  return { ...result, config: { ...result.config, config: { ...result.config.config, WorkingDir: dir } } };
}

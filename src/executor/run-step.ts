// Dispatches one plan step to the runner of its op kind.
import { cacheKey } from '../cache/keys.js';
import { TsbuildError } from '../errors.js';
import { parsePlatform } from '../oci/platform.js';
import type { Digest } from '../oci/types.js';
import type { ConfigOp, SourceOp, Step } from '../planner/types.js';
import { applyConfigChange, baseConfig, historyFor, scratchConfig } from './image-config.js';
import { resultOf } from './layer-step.js';
import { runExecStep } from './run-exec.js';
import { runCopyStep, runMkdirStep } from './run-file.js';
import type { BuildSession } from './session.js';
import type { StepResult } from './step-result.js';

export async function runStep(session: BuildSession, step: Step, signal: AbortSignal): Promise<StepResult> {
  const op = step.op;
  switch (op.kind) {
    case 'source':
      return runSourceStep(session, step, op);
    case 'config':
      return runConfigStep(session, step, op);
    case 'exec':
      return runExecStep(session, step, op, signal);
    case 'file':
      if (op.action === 'copy') return runCopyStep(session, step, op, signal);
      return withWorkingDir(await runMkdirStep(session, step, op, signal), op.path);
    default: {
      const unknown: never = op;
      throw new TsbuildError('INTERNAL', `unknown op ${JSON.stringify(unknown)}`);
    }
  }
}

/** FROM: the base image's config and layers; its key is its manifest digest. */
async function runSourceStep(session: BuildSession, step: Step, op: SourceOp): Promise<StepResult> {
  const platform = parsePlatform(op.platform);
  if (op.image === 'scratch') {
    return { key: cacheKey({ definition: op, inputKeys: [], contents: {} }), config: scratchConfig(platform), layers: [] };
  }
  const label = { stepId: step.id, name: session.stepNames.get(step.id) ?? step.instruction, line: step.range?.start.line };
  const started = Date.now();
  session.emit({ type: 'step.started', ...label });
  const image = await session.baseImages.resolve(op.image, platform);
  session.emit({ type: 'step.done', ...label, durationMs: Date.now() - started });
  const diffIds = image.config.rootfs.diff_ids;
  if (diffIds.length !== image.manifest.layers.length) {
    throw new TsbuildError('STORE', `${op.image}: the config lists ${diffIds.length} layers but the manifest ${image.manifest.layers.length}`);
  }
  return {
    key: cacheKey({ definition: op, inputKeys: [], contents: { image: image.descriptor.digest } }),
    config: baseConfig(image.config),
    layers: image.manifest.layers.map((descriptor, i) => ({ descriptor, diffId: diffIds[i] as Digest })),
  };
}

/**
 * ENV, LABEL, CMD, ...: a new config and history entry. The key stays the parent's: metadata
 * never invalidates later filesystem steps (their own definitions carry the env they use).
 */
function runConfigStep(session: BuildSession, step: Step, op: ConfigOp): StepResult {
  const parent = resultOf(session, step.inputs[0] ?? '');
  return {
    key: parent.key,
    // Undated unless SOURCE_DATE_EPOCH is set: the export dates it after the step it follows.
    config: applyConfigChange(parent.config, op.set, historyFor(step, session.options.sourceDateEpoch === undefined ? undefined : session.created)),
    layers: parent.layers,
  };
}

/** WORKDIR both creates the directory (a layer step) and sets the config's WorkingDir. */
function withWorkingDir(result: StepResult, dir: string): StepResult {
  return { ...result, config: { ...result.config, config: { ...result.config.config, WorkingDir: dir } } };
}

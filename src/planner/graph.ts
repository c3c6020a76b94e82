// Walking a BuildPlan: dependency order for the executor, and the filesystem view of a step's
// inputs for cache keys (config steps change no files, so they are looked through).
import type { BuildPlan, Step, StepId } from './types.js';

/** Every step the targets need, each after all of its inputs (deterministic order). */
export function topologicalOrder(plan: BuildPlan, targets: StepId[] = Object.values(plan.targets)): StepId[] {
  const order: StepId[] = [];
  const state = new Map<StepId, 'visiting' | 'done'>();
  const visit = (id: StepId) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`plan has a cycle through step ${id}`);
    state.set(id, 'visiting');
    for (const input of stepOf(plan, id).inputs) visit(input);
    state.set(id, 'done');
    order.push(id);
  };
  targets.forEach(visit);
  return order;
}

/**
 * The inputs of a step with each `config` step replaced by its nearest non-config ancestor.
 * A cache keyed on this (plus the step's own op) survives edits of LABEL/CMD/ENV lines above a
 * RUN exactly when BuildKit's does: the metadata a RUN or COPY depends on (env, user, cwd,
 * resolved paths) is already part of its own op.
 */
export function filesystemInputs(plan: BuildPlan, step: Step): StepId[] {
  return step.inputs.map((id) => {
    let current = stepOf(plan, id);
    while (current.op.kind === 'config') current = stepOf(plan, current.inputs[0] ?? '');
    return current.id;
  });
}

/** The chain of a stage from its source to `id`, following first inputs: history order. */
export function historyChain(plan: BuildPlan, id: StepId): Step[] {
  const chain: Step[] = [];
  for (let step: Step | undefined = stepOf(plan, id); step; step = step.inputs[0] ? plan.steps[step.inputs[0]] : undefined) {
    chain.unshift(step);
  }
  return chain;
}

function stepOf(plan: BuildPlan, id: StepId): Step {
  const step = plan.steps[id];
  if (!step) throw new Error(`plan references a missing step ${id}`);
  return step;
}

// Names steps for progress output the way BuildKit does: `[builder 2/4] RUN make`.
import type { BuildPlan, Step, StepId } from '../planner/types.js';

export function stepNames(plan: BuildPlan): Map<StepId, string> {
  const byStage = new Map<number, Step[]>();
  for (const step of Object.values(plan.steps)) {
    const list = byStage.get(step.stage.index) ?? [];
    list.push(step);
    byStage.set(step.stage.index, list);
  }
  const multiStage = byStage.size > 1;
  const names = new Map<StepId, string>();
  for (const [index, steps] of byStage) {
    const ordered = steps.filter((s) => s.range && s.op.kind !== 'config').sort((a, b) => (a.range?.start.line ?? 0) - (b.range?.start.line ?? 0));
    const stageName = steps[0]?.stage.name ?? `stage-${index}`;
    ordered.forEach((step, i) => {
      const prefix = multiStage ? `${stageName} ` : '';
      names.set(step.id, `[${prefix}${i + 1}/${ordered.length}] ${summary(step)}`);
    });
    for (const step of steps) if (!names.has(step.id)) names.set(step.id, `[internal] ${summary(step)}`);
  }
  return names;
}

function summary(step: Step): string {
  const text = step.instruction.replace(/\s*\\?\n\s*/g, ' ').trim();
  return step.op.kind === 'source' && step.op.image !== 'scratch' ? `FROM ${step.op.image}` : text;
}

// Names steps for progress output the way BuildKit does: `[builder 2/4] RUN make`, and
// `[linux/arm64 builder 2/4] RUN make` when several platforms are built.
import type { BuildPlan, Step, StepId } from '../planner/types.js';

export function stepNames(plan: BuildPlan): Map<StepId, string> {
  const platformOf = platformLookup(plan);
  const groups = new Map<string, Step[]>();
  for (const step of Object.values(plan.steps)) {
    const key = `${plan.platforms.length > 1 ? platformOf(step) : ''}|${step.stage.index}`;
    groups.set(key, [...(groups.get(key) ?? []), step]);
  }
  const multiStage = new Set(Object.values(plan.steps).map((s) => s.stage.index)).size > 1;
  const names = new Map<StepId, string>();
  for (const [key, steps] of groups) {
    const ordered = steps
      .filter((s) => s.range && s.op.kind !== 'config')
      .sort((a, b) => (a.range?.start.line ?? 0) - (b.range?.start.line ?? 0));
    const platform = key.split('|')[0];
    const stage = multiStage ? (steps[0]?.stage.name ?? `stage-${steps[0]?.stage.index}`) : '';
    const prefix = [platform, stage].filter(Boolean).join(' ');
    ordered.forEach((step, i) => names.set(step.id, `[${prefix ? `${prefix} ` : ''}${i + 1}/${ordered.length}] ${summary(step)}`));
    for (const step of steps) if (!names.has(step.id)) names.set(step.id, `[internal] ${summary(step)}`);
  }
  return names;
}

/** A step's platform: its op's, or that of the step it builds on (config and mkdir ops carry none). */
function platformLookup(plan: BuildPlan): (step: Step) => string {
  const memo = new Map<StepId, string>();
  const lookup = (step: Step): string => {
    const known = memo.get(step.id);
    if (known !== undefined) return known;
    const parent = step.inputs[0] ? plan.steps[step.inputs[0]] : undefined;
    const platform = 'platform' in step.op ? step.op.platform : parent ? lookup(parent) : '';
    memo.set(step.id, platform);
    return platform;
  };
  return lookup;
}

function summary(step: Step): string {
  const text = step.instruction.replace(/\s*\\?\n\s*/g, ' ').trim();
  return step.op.kind === 'source' && step.op.image !== 'scratch' ? `FROM ${step.op.image}` : text;
}

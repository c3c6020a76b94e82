// Names steps for progress output the way BuildKit does: `[builder 2/4] RUN make`, and
// `[linux/arm64 builder 2/4] RUN make` when several platforms are built.
import type { BuildPlan, Step, StepId } from '../planner/index.js';

export function stepNames(plan: BuildPlan): Map<StepId, string> {
  const platformOf = platformLookup(plan);
  const positionOf = positionLookup(plan);
  const multiStage = new Set(Object.values(plan.steps).map((s) => s.stage.index)).size > 1;
  const groupOf = (step: Step) => `${plan.platforms.length > 1 ? platformOf(step) : ''}|${step.stage.index}`;
  // A stage's total counts its own steps and an image FROM, even where the first steps are shared
  // with another stage (equal definitions are one step): `FROM x AS a` + `FROM x AS b` + `RUN` in b
  // is `[b 2/2]`; `FROM a AS c` + `RUN` is `[c 1/1]` (BuildKit's cmdTotal).
  const totals = new Map<string, number>();
  for (const step of Object.values(plan.steps)) totals.set(groupOf(step), Math.max(totals.get(groupOf(step)) ?? 0, positionOf(step)));
  const names = new Map<StepId, string>();
  for (const step of Object.values(plan.steps)) {
    if (!step.range || step.op.kind === 'config') {
      names.set(step.id, `[internal] ${summary(step)}`);
      continue;
    }
    const platform = plan.platforms.length > 1 ? platformOf(step) : '';
    const stage = multiStage ? (step.stage.name ?? `stage-${step.stage.index}`) : '';
    const prefix = [platform, stage].filter(Boolean).join(' ');
    names.set(step.id, `[${prefix ? `${prefix} ` : ''}${positionOf(step)}/${totals.get(groupOf(step))}] ${summary(step)}`);
  }
  return names;
}

/**
 * 1-based position of a step in its stage's chain; metadata steps are not counted, nor is FROM
 * unless it names an image (BuildKit counts neither `FROM scratch` nor `FROM <stage>`).
 */
function positionLookup(plan: BuildPlan): (step: Step) => number {
  const memo = new Map<StepId, number>();
  const lookup = (step: Step): number => {
    const known = memo.get(step.id);
    if (known !== undefined) return known;
    const parent = step.inputs[0] ? plan.steps[step.inputs[0]] : undefined;
    const scratch = step.op.kind === 'source' && step.op.image === 'scratch';
    const counted = step.range !== undefined && step.op.kind !== 'config' && !scratch ? 1 : 0;
    let before = 0;
    if (parent && step.op.kind !== 'source') {
      // A parent of another stage is that stage's FROM (shared), or the end of a `FROM stage` base.
      before = parent.op.kind === 'source' || parent.stage.index === step.stage.index ? lookup(parent) : 0;
    }
    const position = before + counted;
    memo.set(step.id, position);
    return position;
  };
  return lookup;
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
  const text = (step.name ?? step.instruction).replace(/\s*\\?\n\s*/g, ' ').trim();
  if (step.op.kind === 'exec' && step.name === undefined) return withBuildArgs(text, step.op.buildArgs);
  return step.op.kind === 'source' && step.op.image !== 'scratch' ? `FROM ${step.op.image}` : text;
}

/** A RUN's build args expanded in its name, as BuildKit shows them (`RUN curl …/v0.3.1`); other variables stay. */
function withBuildArgs(text: string, buildArgs: readonly string[]): string {
  const values = new Map(buildArgs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  return text.replace(/\$(?:\{(\w+)\}|(\w+))/g, (whole, braced?: string, bare?: string) => values.get(braced ?? bare ?? '') ?? whole);
}

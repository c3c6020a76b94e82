// Renders a BuildPlan as a readable tree: stages in order, their steps, and the targets.
// With several platforms, one section per platform; steps shared between platforms keep their id.
import { describeOp, shortId, stepLine } from './describe-step.js';
import { topologicalOrder } from './graph.js';
import type { BuildPlan, Step } from './types.js';

export function renderText(plan: BuildPlan): string {
  const lines: string[] = [];
  const multi = plan.platforms.length > 1;
  for (const platform of plan.platforms) {
    const target = plan.targets[platform];
    if (!target) continue;
    if (multi) lines.push(`platform ${platform}`);
    const reached = new Set(topologicalOrder(plan, [target]));
    const steps = Object.values(plan.steps).filter((s) => reached.has(s.id));
    lines.push(...renderStages(plan, steps, multi ? '  ' : ''));
  }
  lines.push('targets');
  for (const platform of plan.platforms) {
    const id = plan.targets[platform];
    lines.push(`  ${platform} -> ${id ? shortId(id) : '(none)'}`);
  }
  return `${lines.join('\n')}\n`;
}

function renderStages(plan: BuildPlan, steps: Step[], indent: string): string[] {
  const lines: string[] = [];
  for (const [label, group] of stagesOf(steps)) {
    lines.push(`${indent}${label}`);
    let previous: string | undefined;
    const base = group[0]?.inputs[0];
    if (base && !group.some((s) => s.id === base)) {
      const baseStep = plan.steps[base];
      lines.push(`${indent}  from ${shortId(base)}${baseStep ? `  ${describeOp(baseStep.op)}` : ''}`);
      previous = base;
    }
    for (const step of group) {
      const line = stepLine(step);
      lines.push(`${indent}  ${shortId(step.id)}  ${describeOp(step.op)}${line ? `  (${line})` : ''}`);
      const extra = step.inputs.filter((id) => id !== previous);
      if (extra.length > 0) lines.push(`${indent}      <- ${extra.map(shortId).join(', ')}`);
      previous = step.id;
    }
  }
  return lines;
}

/** Steps grouped by the stage that produced them, stages in file order, steps in planning order. */
function stagesOf(steps: Step[]): Map<string, Step[]> {
  const groups = new Map<string, Step[]>();
  for (const step of steps) {
    const label = `stage ${step.stage.index}${step.stage.name ? ` (${step.stage.name})` : ''}`;
    groups.set(label, [...(groups.get(label) ?? []), step]);
  }
  return new Map([...groups].sort(([, a], [, b]) => (a[0]?.stage.index ?? 0) - (b[0]?.stage.index ?? 0)));
}

// Renders a BuildPlan as a Graphviz digraph: one cluster per stage, edges from inputs.
import { describeOp, shortId } from './describe-step.js';
import type { BuildPlan } from './types.js';

export function renderDot(plan: BuildPlan): string {
  const lines = ['digraph plan {', '  rankdir=TB;', '  node [shape=box, fontname="monospace"];'];
  const byStage = new Map<number, string[]>();
  for (const step of Object.values(plan.steps)) {
    const node = `  "${shortId(step.id)}" [label=${dotString(`${shortId(step.id)}\n${truncate(describeOp(step.op))}`)}];`;
    byStage.set(step.stage.index, [...(byStage.get(step.stage.index) ?? []), node]);
  }
  for (const [index, nodes] of [...byStage].sort(([a], [b]) => a - b)) {
    const name = Object.values(plan.steps).find((s) => s.stage.index === index)?.stage.name;
    lines.push(`  subgraph cluster_${index} {`, `    label=${dotString(`stage ${index}${name ? ` (${name})` : ''}`)};`);
    lines.push(...nodes.map((n) => `  ${n}`), '  }');
  }
  for (const step of Object.values(plan.steps)) {
    for (const input of step.inputs) lines.push(`  "${shortId(input)}" -> "${shortId(step.id)}";`);
  }
  for (const [platform, id] of Object.entries(plan.targets)) {
    lines.push(`  ${dotString(platform)} [shape=oval];`, `  "${shortId(id)}" -> ${dotString(platform)};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

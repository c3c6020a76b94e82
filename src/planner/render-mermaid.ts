// Renders a BuildPlan as a Mermaid flowchart: one subgraph per stage, edges from inputs.
import { describeOp, shortId } from './describe-step.js';
import { truncate } from './render-dot.js';
import type { BuildPlan } from './types.js';

export function renderMermaid(plan: BuildPlan): string {
  const lines = ['flowchart TD'];
  const steps = Object.values(plan.steps);
  const stageIndexes = [...new Set(steps.map((s) => s.stage.index))].sort((a, b) => a - b);
  for (const index of stageIndexes) {
    const inStage = steps.filter((s) => s.stage.index === index);
    const name = inStage[0]?.stage.name;
    lines.push(`  subgraph stage${index}["stage ${index}${name ? ` (${mermaidText(name)})` : ''}"]`);
    for (const step of inStage) {
      lines.push(`    s${shortId(step.id)}["${shortId(step.id)}<br/>${mermaidText(truncate(describeOp(step.op)))}"]`);
    }
    lines.push('  end');
  }
  for (const step of steps) {
    for (const input of step.inputs) lines.push(`  s${shortId(input)} --> s${shortId(step.id)}`);
  }
  plan.platforms.forEach((platform, i) => {
    const id = plan.targets[platform];
    if (id) lines.push(`  t${i}(["${mermaidText(platform)}"])`, `  s${shortId(id)} --> t${i}`);
  });
  return `${lines.join('\n')}\n`;
}

/** Mermaid labels are quoted; `"` and markup characters become entities. */
function mermaidText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Renders a BuildPlan as JSON (the plan is pure data; this is its serialised form).
import type { BuildPlan } from './types.js';

export function renderJson(plan: BuildPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

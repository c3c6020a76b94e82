// Test helpers: parse Dockerfile text with the real parser and plan it offline.
import { parseDockerfile } from '../../src/parser/index.js';
import type { ImageConfig, Platform } from '../../src/spec/types.js';
import { planBuild } from '../../src/planner/index.js';
import type { BuildPlan, ExecOp, Op, PlanOptions, PlanResult, Step } from '../../src/planner/index.js';

export const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
export const ARM64: Platform = { os: 'linux', architecture: 'arm64' };

/** Strips the common indentation so Dockerfiles can be written inline. */
export function dockerfile(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export function plan(text: string, options: Partial<PlanOptions> = {}): Promise<PlanResult> {
  const parsed = parseDockerfile(dockerfile(text), { file: 'Dockerfile' });
  return planBuild(parsed, { buildArgs: {}, platforms: [AMD64], buildPlatform: AMD64, ...options });
}

/** The steps reached from the (single) target, target first. */
export function chain(p: BuildPlan, platform = 'linux/amd64'): Step[] {
  const out: Step[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const step = p.steps[id];
    if (!step) throw new Error(`missing step ${id}`);
    out.push(step);
    step.inputs.forEach(visit);
  };
  const target = p.targets[platform];
  if (!target) throw new Error(`no target for ${platform}`);
  visit(target);
  return out;
}

/** The step planned for the instruction on `line`. */
export function stepAt(p: BuildPlan, line: number): Step {
  const step = Object.values(p.steps).find((s) => s.range?.start.line === line);
  if (!step) throw new Error(`no step for line ${line}`);
  return step;
}

export function execAt(p: BuildPlan, line: number): ExecOp {
  const op: Op = stepAt(p, line).op;
  if (op.kind !== 'exec') throw new Error(`line ${line} is a ${op.kind} step`);
  return op;
}

/** `ENV`-style lookup of an exec step's environment. */
export function envOf(op: ExecOp): Record<string, string> {
  return Object.fromEntries(op.env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

/** A resolver serving fixed configs, like a registry would. */
export function resolverOf(configs: Record<string, ImageConfig['config']>): PlanOptions['resolveImageConfig'] {
  return async (ref, platform) => {
    const config = configs[ref];
    if (config === undefined) return undefined;
    return { architecture: platform.architecture, os: platform.os, config, rootfs: { type: 'layers', diff_ids: [] } };
  };
}

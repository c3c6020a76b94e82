// Valid Dockerfile features tsbuild does not implement yet: refused before anything runs, with
// the Dockerfile line, instead of being ignored.
import { UnsupportedFeatureError } from '../errors.js';
import type { Dockerfile } from '../parser/index.js';
import type { BuildPlan } from '../planner/index.js';

/** `# syntax=` images tsbuild implements itself (the official Dockerfile frontend, any channel). */
const BUILTIN_FRONTEND = /^(docker\.io\/)?docker\/dockerfile(-upstream)?(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/;

/** Checked before planning (planning pulls base images). */
export function assertSupportedSyntax(dockerfile: Dockerfile): void {
  const syntax = dockerfile.directives.syntax;
  if (syntax && !BUILTIN_FRONTEND.test(syntax)) {
    throw new UnsupportedFeatureError(`the frontend "# syntax=${syntax}" (tsbuild implements docker/dockerfile only)`, {
      file: dockerfile.file, line: 1, column: 1,
    });
  }
}

export function assertSupportedSteps(plan: BuildPlan): void {
  for (const step of Object.values(plan.steps)) {
    if (step.op.kind === 'exec' && step.op.security === 'insecure') {
      throw new UnsupportedFeatureError('RUN --security=insecure', {
        file: step.file, line: step.range?.start.line ?? 0, column: 1,
      });
    }
  }
}

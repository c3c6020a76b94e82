// The public API of tsbuild: `import { build, plan, run, pull, push, images } from 'tsbuild'`.
// Every verb of the CLI is a function here (src/api), taking plain options and opening what it needs.
export * from './api/index.js';
export type { PlanFileOptions, DockerfileSource } from './planner/plan-file.js';

export { planBuild, renderText, renderJson, renderDot, renderMermaid } from './planner/index.js';
export type { BuildPlan, Step, Op, PlanResult, PlanWarning } from './planner/types.js';
export type { CheckFinding } from './planner/index.js';

export { RegistryError } from './registry/errors.js';
export { parseReference, formatReference } from './spec/reference.js';
export { parsePlatform, formatPlatform } from './spec/platform.js';

export { parseDockerfile } from './parser/index.js';
export type * from './parser/types.js';
export type * from './oci/types.js';

export {
  TsbuildError, DockerfileSyntaxError, UnsupportedFeatureError, StepFailedError,
} from './errors.js';
export type { ErrorCode, SourceLocation } from './errors.js';

// The public API of tsbuild: `import { build, plan, run, pull, push, images } from 'tsbuild'`.
// Every verb of the CLI is a function here (src/api), taking plain options and opening what it needs.
export * from './api/index.js';
export type { PlanFileOptions, DockerfileSource } from './planner/index.js';

export { planBuild, renderText, renderJson, renderDot, renderMermaid } from './planner/index.js';
export type { BuildPlan, Step, Op, PlanResult, PlanWarning } from './planner/index.js';
export type { CheckFinding } from './planner/index.js';

export { RegistryError } from './registry/index.js';
export { parseReference, formatReference } from './spec/index.js';
export { parsePlatform, formatPlatform } from './spec/index.js';

export { parseDockerfile } from './parser/index.js';
export type * from './parser/index.js';
export type { Digest, ContainerConfig, Descriptor, HealthConfig, HistoryEntry, ImageConfig, ImageIndex, ImageManifest, Platform } from './spec/index.js';

export {
  TsbuildError, DockerfileSyntaxError, UnsupportedFeatureError, StepFailedError,
} from './errors.js';
export type { ErrorCode, SourceLocation } from './errors.js';

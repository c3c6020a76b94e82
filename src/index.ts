// The public API of tsbuild: `import { build, plan, run, pull, push } from 'tsbuild'`.
export { build } from './executor/build.js';
export type {
  BuildOptions, BuildResult, OutputSpec, SecretSource, SshForward, CacheLocation, CacheExportSpec, RuntimeName,
} from './executor/options.js';
export type { BuildEvent, BuildEventType, EventSink, StepLabel } from './executor/events.js';

export { plan } from './planner/plan-file.js';
export type { PlanFileOptions } from './planner/plan-file.js';
export { planBuild, renderText, renderJson, renderDot, renderMermaid } from './planner/index.js';
export type { BuildPlan, Step, Op, PlanResult, PlanWarning } from './planner/types.js';

export { verifyStore } from './executor/store-verify.js';
export type { VerifyStoreOptions, VerifyStoreReport, StoreProblem, ProblemKind } from './executor/store-verify.js';

export { runContainer as run } from './container/run-container.js';
export type { RunContainerOptions, RunContainerResult } from './container/options.js';
export type { RunEvent, RunEventSink } from './container/events.js';
export type { PullPolicy } from './container/image-source.js';

export { pullImage as pull } from './registry/pull.js';
export { pushImage as push } from './registry/push.js';
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

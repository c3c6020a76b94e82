// The public surface of src/executor: what other modules may import from it.
export { BaseImages } from './base-images.js';
export { build } from './build.js';
export { parseEntitlements } from './entitlements.js';
export type { BuildEvent, BuildEventType, EventSink, StepLabel } from './events.js';
export { bool } from './exporters/attributes.js';
export { outputTypes, parseOutput, saveFormats } from './exporters/index.js';
export type { BuildOptions, BuildResult, CacheExportSpec, CacheLocation, CheckWarning, NamedContext, OutputSpec, RunLimits, RuntimeName, SecretSource, SshForward } from './options.js';
export { verifyStore } from './store-verify.js';
export type { ProblemKind, StoreProblem, VerifyStoreOptions, VerifyStoreReport } from './store-verify.js';
export { sweepDeadContainers } from './sweep.js';

// The public surface of src/executor: what other modules may import from it.
export { BaseImages } from './base-images.js';
export { build } from './build.js';
export { parseEntitlements } from './entitlements.js';
export { prepareNamedContexts } from './named-contexts.js';
export type { BuildEvent, BuildEventType, EventSink, StepLabel, UnstampedEvent } from './events.js';
export { bool } from './exporters/attributes.js';
export { outputTypes, parseOutput, saveFormats } from './exporters/index.js';
export type { DockerEngineOptions } from './exporters/index.js';
export { parseAnnotation } from './annotations.js';
export { mergeAttestations, parseAttestation, shorthandAttestation } from './attestations/index.js';
export type { Annotation, AnnotationLevel, AttestationRequest, ProvenanceRequest, SbomRequest, BuildOptions, BuildResult, CacheExportSpec, CheckWarning, CacheLocation, NamedContext, OutputSpec, RunLimits, RuntimeName, SecretSource, SshForward } from './options.js';
export { verifyStore } from './store-verify.js';
export type { ProblemKind, StoreProblem, VerifyStoreOptions, VerifyStoreReport } from './store-verify.js';
export { sweepDeadContainers } from './sweep.js';

// `build(options)`: parse, plan, run and export a Dockerfile build (the executor's entry point).
export { build } from '../executor/index.js';
export type {
  Annotation, AnnotationLevel, AttestationRequest, ProvenanceRequest, SbomRequest, BuildOptions, BuildResult, CheckWarning, DockerEngineOptions, OutputSpec, SecretSource, SshForward, CacheLocation, CacheExportSpec, RuntimeName, RunLimits, NamedContext,
} from '../executor/index.js';
export type { BuildEvent, BuildEventType, EventSink, StepLabel } from '../executor/index.js';
export type { Ulimit, UlimitName } from '../spec/index.js';
// docker's build inputs: a directory, `-` (a tar context or a Dockerfile on stdin), a git or http(s) URL.
export { openBuildInput } from '../context/index.js';

// `run(options)`: a container from a local (or pulled) image in the sandbox.
export { runContainer as run } from '../container/index.js';
export type { RunContainerOptions, RunContainerResult } from '../container/index.js';
export type { RunEvent, RunEventSink } from '../container/index.js';
export type { PullPolicy } from '../container/index.js';

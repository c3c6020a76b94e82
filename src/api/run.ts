// `run(options)`: a container from a local (or pulled) image in the sandbox.
export { runContainer as run } from '../container/run-container.js';
export type { RunContainerOptions, RunContainerResult } from '../container/options.js';
export type { RunEvent, RunEventSink } from '../container/events.js';
export type { PullPolicy } from '../container/image-source.js';

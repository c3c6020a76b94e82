// The public surface of src/container: what other modules may import from it.
export type { RunEvent, RunEventSink } from './events.js';
export type { PullPolicy } from './image-source.js';
export type { RunContainerOptions, RunContainerResult } from './options.js';
export { runContainer } from './run-container.js';
export { parseMemorySize, parsePidsLimit } from './sizes.js';
export { listContainerRecords, type ContainerRecord } from './records.js';
export {
  pruneContainers, readContainerLogs, removeContainer, stopContainer, type LogEntry, type PruneContainersReport,
} from './control.js';
export { execContainer } from './exec.js';

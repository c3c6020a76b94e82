// Containers under the root: `ps`, `logs`, `stop`, `rm`, `container prune`.
import {
  execContainer, listContainerRecords, pruneContainers as prune, readContainerLogs, removeContainer as remove, stopContainer,
  type ContainerRecord, type LogEntry, type PruneContainersReport,
} from '../container/index.js';
import { resolveRoot } from '../oci/index.js';
import type { RootOptions } from './options.js';

export type { ContainerRecord, LogEntry, PruneContainersReport };

export interface ExecOptions extends RootOptions {
  /** `KEY=value` entries added to the container's env. */
  env?: string[];
  /** `user[:group]` (names from the container's /etc/passwd and /etc/group); default: the container's user. */
  user?: string;
  /** Default: the container's working directory. */
  workdir?: string;
  /** tsbuild's stdin goes to the command (otherwise it reads an empty stdin). */
  interactive?: boolean;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Called with the pid of the host-side process; the signals it gets go to the command. */
  onSpawn?: (pid: number) => void;
}

/** Runs a command in a running container (`tsbuild exec`) and resolves with its exit status. */
export function exec(ref: string, command: string[], options: ExecOptions = {}): Promise<{ exitCode: number }> {
  const request = {
    args: command, env: options.env ?? [], interactive: options.interactive === true,
    ...(options.user !== undefined ? { user: options.user } : {}), ...(options.workdir !== undefined ? { cwd: options.workdir } : {}),
  };
  return execContainer(options.root ?? resolveRoot(), ref, request, {
    ...(options.onStdout ? { onStdout: options.onStdout } : {}), ...(options.onStderr ? { onStderr: options.onStderr } : {}),
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
}

export interface ListContainersOptions extends RootOptions {
  /** Also containers that are not running (`ps -a`). */
  all?: boolean;
}

/** Containers, newest first; running ones only unless `all`. */
export function listContainers(options: ListContainersOptions = {}): ContainerRecord[] {
  const records = listContainerRecords(options.root ?? resolveRoot());
  return options.all ? records : records.filter((r) => r.status === 'running');
}

export interface StopOptions extends RootOptions {
  /** Milliseconds to wait after the stop signal before the container is killed (default 10 s). */
  timeoutMs?: number;
}

/** Stops a container (by name, ID or ID prefix) and resolves once it has exited. */
export function stop(ref: string, options: StopOptions = {}): Promise<ContainerRecord> {
  return stopContainer(options.root ?? resolveRoot(), ref, options.timeoutMs);
}

/** Removes a container and frees its name; a running one only with `force` (killed first). */
export function removeContainer(ref: string, options: RootOptions & { force?: boolean } = {}): Promise<ContainerRecord> {
  return remove(options.root ?? resolveRoot(), ref, options.force);
}

export interface LogsOptions extends RootOptions {
  /** Keep reading until the container exits. */
  follow?: boolean;
  signal?: AbortSignal;
  onEntry: (entry: LogEntry) => void;
}

/** The output a detached container has written (`tsbuild logs`). */
export function containerLogs(ref: string, options: LogsOptions): Promise<void> {
  return readContainerLogs(options.root ?? resolveRoot(), ref, options.onEntry, options);
}

/** Removes every container that is not running. */
export function pruneContainers(options: RootOptions = {}): PruneContainersReport {
  return prune(options.root ?? resolveRoot());
}

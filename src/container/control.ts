// `stop`, `rm`, `logs` and `container prune` on the containers under a root. A container is
// controlled through the tsbuild process that runs it (the `run -d` supervisor, or a foreground
// `tsbuild run`): SIGTERM stops it as `docker stop` does, SIGUSR2 kills it at once; both make that
// process clean up (sandbox, cgroup, state) before it exits.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { TsbuildError } from '../errors.js';
import { directoryBytes } from '../fs/index.js';
import { isObject } from '../spec/index.js';
import { findContainerRecord, listContainerRecords, removeContainerRecord, type ContainerRecord } from '../container/records.js';

const POLL_MS = 100;
/** How long `stop` and `rm -f` wait for the container's tsbuild to exit once it was told to kill it. */
const EXIT_GRACE_MS = 60_000;

/**
 * Stops a running container as `docker stop`: its stop signal, then, if it is still running after
 * `timeoutMs` (or its own `--stop-timeout`, whichever comes first), SIGKILL. Resolves once it has exited.
 */
export async function stopContainer(root: string, ref: string, timeoutMs = 10_000): Promise<ContainerRecord> {
  const record = findContainerRecord(root, ref);
  if (record.status !== 'running') return record;
  signal(record, 'SIGTERM');
  const stopped = await waitForExit(root, record, timeoutMs).catch(() => undefined);
  if (stopped) return stopped;
  signal(record, 'SIGUSR2');
  return waitForExit(root, record, EXIT_GRACE_MS);
}

/** Removes a container; a running one only with `force` (killed first, as `docker rm -f`). */
export async function removeContainer(root: string, ref: string, force = false): Promise<ContainerRecord> {
  let record = findContainerRecord(root, ref);
  if (record.status === 'running') {
    if (!force) throw new TsbuildError('USAGE', `container ${ref} is running: stop it first, or remove it with -f`);
    signal(record, 'SIGUSR2');
    record = await waitForExit(root, record, EXIT_GRACE_MS);
  }
  removeContainerRecord(root, record);
  return record;
}

export interface PruneContainersReport {
  removed: string[];
  bytes: number;
}

/** Removes every container that is not running. */
export function pruneContainers(root: string): PruneContainersReport {
  const report: PruneContainersReport = { removed: [], bytes: 0 };
  for (const record of listContainerRecords(root).filter((r) => r.status !== 'running')) {
    report.bytes += directoryBytes(record.dir);
    removeContainerRecord(root, record);
    report.removed.push(record.id);
  }
  return report;
}

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  log: string;
}

/**
 * Calls `onEntry` for each entry of the container's log; with `follow`, keeps reading new entries
 * until the container is no longer running (or `signal` aborts).
 */
export async function readContainerLogs(
  root: string, ref: string, onEntry: (entry: LogEntry) => void, options: { follow?: boolean; signal?: AbortSignal } = {},
): Promise<void> {
  const record = findContainerRecord(root, ref);
  const reader = new LogReader(record.logFile);
  for (;;) {
    // Checked before reading: whatever the container wrote before it exited is read after this.
    const running = options.follow === true && findContainerRecord(root, record.id).status === 'running';
    reader.read(onEntry);
    if (!running || options.signal?.aborted) return;
    await sleep(POLL_MS);
  }
}

class LogReader {
  private offset = 0;
  private partial = '';

  constructor(private readonly file: string) {}

  read(onEntry: (entry: LogEntry) => void): void {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return; // no output yet (or a container that was not detached)
    }
    try {
      const buffer = Buffer.alloc(1 << 16);
      for (;;) {
        const got = readSync(fd, buffer, 0, buffer.length, this.offset);
        if (got <= 0) break;
        this.offset += got;
        this.partial += buffer.subarray(0, got).toString('utf8');
      }
    } finally {
      closeSync(fd);
    }
    const lines = this.partial.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      const entry = parseEntry(line);
      if (entry) onEntry(entry);
    }
  }
}

function parseEntry(line: string): LogEntry | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (!isObject(value)) return undefined;
    if ((value.stream === 'stdout' || value.stream === 'stderr') && typeof value.log === 'string') return { stream: value.stream, log: value.log };
  } catch {
    // a line cut by a crash
  }
  return undefined;
}

function signal(record: ContainerRecord, name: NodeJS.Signals): void {
  if (record.pid === undefined) return;
  try {
    process.kill(record.pid, name);
  } catch {
    // it has exited meanwhile
  }
}

async function waitForExit(root: string, record: ContainerRecord, timeoutMs: number): Promise<ContainerRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = findContainerRecord(root, record.id);
    if (current.status !== 'running') return current;
    if (Date.now() > deadline) {
      throw new TsbuildError('SANDBOX', `container ${record.id.slice(0, 12)} is still running ${Math.round(timeoutMs / 1000)} s after it was told to stop (tsbuild pid ${record.pid})`);
    }
    await sleep(POLL_MS);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function logSize(record: ContainerRecord): number {
  try {
    return statSync(record.logFile).size;
  } catch {
    return 0;
  }
}

// The containers under a root as `ps`, `logs`, `stop`, `rm` and `container prune` see them: each
// `<root>/containers/<id>/state.json` read with its liveness checked, so a container whose
// supervising tsbuild was killed (SIGKILL) shows as exited, never as stuck in `running`.
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import { ownerState } from '../fs/index.js';
import { parseJsonObject } from '../spec/index.js';
import { removeContainerDir } from '../container/container-dir.js';

/** The file a detached container's output goes to: JSON lines `{"stream","log","time"}`, as Docker's json-file driver. */
export const CONTAINER_LOG = 'container.log';

export interface ContainerRecord {
  id: string;
  name: string | undefined;
  image: string;
  command: string[];
  created: string;
  /** `running` only while the tsbuild process that runs it is alive. */
  status: 'running' | 'exited';
  exitCode: number | undefined;
  finished: string | undefined;
  /** The pid of the tsbuild process that runs it (the supervisor of a detached container). */
  pid: number | undefined;
  dir: string;
  /** Published ports as `ps` shows them: `0.0.0.0:8080->80/tcp`. */
  ports: string[];
  /** Container output kept for `logs` (detached containers). */
  logFile: string;
}

export function containersDir(root: string): string {
  return join(root, 'containers');
}

export function listContainerRecords(root: string): ContainerRecord[] {
  const base = containersDir(root);
  let ids: string[];
  try {
    ids = readdirSync(base).filter((name) => name !== 'names');
  } catch {
    return [];
  }
  return ids.flatMap((id) => {
    const record = readRecord(base, id);
    return record ? [record] : [];
  }).sort((a, b) => b.created.localeCompare(a.created));
}

function readRecord(base: string, id: string): ContainerRecord | undefined {
  const stateFile = join(base, id, 'state.json');
  let state: Record<string, unknown>;
  try {
    state = parseJsonObject(readFileSync(stateFile), { where: stateFile }, 'container state');
  } catch {
    return undefined; // being created or removed
  }
  const owner = typeof state['owner'] === 'string' ? state['owner'] : '';
  const running = state['status'] === 'running' && owner !== '' && ownerState(owner) !== 'dead';
  // `dead`: marked so by the sweep of a later run (src/executor/sweep.ts).
  const killed = (state['status'] === 'running' && !running) || state['status'] === 'dead';
  return {
    id,
    name: typeof state['name'] === 'string' ? state['name'] : undefined,
    image: String(state['image'] ?? ''),
    command: Array.isArray(state['command']) ? state['command'].map(String) : [],
    created: String(state['created'] ?? ''),
    status: running ? 'running' : 'exited',
    // Its tsbuild was killed: the sandbox died with it (SIGKILL), as Docker reports 137.
    exitCode: killed ? 137 : typeof state['exitCode'] === 'number' ? state['exitCode'] : undefined,
    finished: typeof state['finished'] === 'string' ? state['finished'] : killed ? modified(stateFile) : undefined,
    pid: typeof state['pid'] === 'number' ? state['pid'] : undefined,
    ports: Array.isArray(state['ports']) ? state['ports'].map(formatPort) : [],
    dir: join(base, id),
    logFile: join(base, id, CONTAINER_LOG),
  };
}

function formatPort(value: unknown): string {
  const p = (value ?? {}) as { hostIp?: unknown; hostPort?: unknown; containerPort?: unknown; protocol?: unknown };
  return `${String(p.hostIp)}:${String(p.hostPort)}->${String(p.containerPort)}/${String(p.protocol)}`;
}

function modified(file: string): string | undefined {
  try {
    return statSync(file).mtime.toISOString();
  } catch {
    return undefined;
  }
}

/** A container by name, full ID or unique ID prefix, as Docker resolves them. */
export function findContainerRecord(root: string, ref: string): ContainerRecord {
  const base = containersDir(root);
  const records = listContainerRecords(root);
  const byName = nameTarget(base, ref);
  const exact = records.find((r) => r.id === byName || r.id === ref);
  if (exact) return exact;
  const prefixed = /^[0-9a-f]+$/.test(ref) ? records.filter((r) => r.id.startsWith(ref)) : [];
  if (prefixed.length === 1) return prefixed[0] as ContainerRecord;
  if (prefixed.length > 1) throw new TsbuildError('USAGE', `multiple containers match "${ref}": give more of the ID`);
  throw new TsbuildError('NOT_FOUND', `no such container: ${ref}`);
}

function nameTarget(base: string, name: string): string | undefined {
  try {
    return readlinkSync(join(base, 'names', name));
  } catch {
    return undefined;
  }
}

/** Removes a container that is not running: its directory (upper dir, volumes, log) and its name. */
export function removeContainerRecord(root: string, record: ContainerRecord): void {
  if (!existsSync(record.dir)) return;
  removeContainerDir(root, record.id, record.name);
}

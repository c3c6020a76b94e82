// Owner tokens: scratch files and dirs under a root carry `<pid>_<start>_<pidns>` in their names
// (start: the process's start time in clock ticks since boot, field 22 of /proc/<pid>/stat). A
// sweep then removes a dead process's leftovers at once, and a reused pid cannot pass for the
// owner. An owner in another pid namespace (a container sharing the root) cannot be checked here.
import { readFileSync, readlinkSync } from 'node:fs';

export type OwnerState = 'alive' | 'dead' | 'unknown';

const TOKEN = /(?:^|[^0-9_])(\d+)_(\d+)_(\d+)(?![0-9_])/;

/** How old a scratch entry of an owner that cannot be checked must be before a sweep removes it. */
export const UNKNOWN_OWNER_AFTER_MS = 60 * 60_000;

let own: string | undefined;

/** This process's token. */
export function ownerToken(): string {
  own ??= `${process.pid}_${processStartTime(process.pid) ?? 0}_${pidNamespace()}`;
  return own;
}

/** The token a scratch name carries, if any. */
export function ownerInName(name: string): string | undefined {
  const match = TOKEN.exec(name);
  return match ? `${match[1]}_${match[2]}_${match[3]}` : undefined;
}

export function ownerState(token: string): OwnerState {
  const match = TOKEN.exec(token);
  if (!match) return 'unknown';
  const [, pid, start, namespace] = match;
  if (namespace !== pidNamespace()) return 'unknown';
  const current = processStartTime(Number(pid));
  return current !== undefined && String(current) === start ? 'alive' : 'dead';
}

/** Whether a scratch entry may be removed: its owner is dead, or unknown and the entry is old. */
export function isLeftover(name: string, ageMs: number, unknownAfterMs = UNKNOWN_OWNER_AFTER_MS): boolean {
  const token = ownerInName(name);
  const state = token ? ownerState(token) : 'unknown';
  return state === 'dead' || (state === 'unknown' && ageMs > unknownAfterMs);
}

/** Whether a process with this pid exists (in this pid namespace), ours to signal or not. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat); undefined when it is gone. */
export function processStartTime(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[19]);
}

let namespace: string | undefined;

function pidNamespace(): string {
  namespace ??= /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? '0';
  return namespace;
}

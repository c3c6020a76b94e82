// The handle of one run's cgroup, and the process-level operations both cgroup versions share.
import { readFileSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TsbuildError } from '../errors.js';

/** A cgroup (one directory per v1 hierarchy, or one v2 directory) that lives for one run. */
export interface RunCgroup {
  /** The `cgroup.procs` files the sandbox's init writes itself into. */
  readonly procsFiles: string[];
  /** Directories of this cgroup, leaf first per hierarchy. */
  readonly dirs: string[];
  /**
   * Whether the cgroup enforces Docker's device allow-list (v1 `devices` controller). cgroup v2
   * needs a BPF program for that, which tsbuild does not attach: the sandbox then drops CAP_MKNOD.
   */
  readonly restrictsDevices: boolean;
  /** SIGKILLs every process in the cgroup (freezing first where the kernel allows). */
  kill(): void;
  /** Pids currently in the cgroup. */
  pids(): number[];
  /** Waits until the cgroup is empty and removes its directories. */
  remove(): Promise<void>;
}

/** CFS quota in microseconds for `cpus` CPUs over `periodUs`. */
export function cpuQuotaUs(cpus: number, periodUs = 100_000): number {
  if (!(cpus > 0)) throw new TsbuildError('SANDBOX', `invalid CPU limit ${cpus}`);
  return Math.max(1000, Math.round(cpus * periodUs));
}

export function readPids(procsFile: string): number[] {
  try {
    return readFileSync(procsFile, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Removes cgroup dirs once their processes are gone; killing stragglers while waiting. */
export async function removeCgroupDirs(cgroup: RunCgroup, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const dir of cgroup.dirs) {
    // The kernel usually releases an exited cgroup within a millisecond or two: back off from 1 ms.
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      try {
        rmdirSync(dir);
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (code !== 'EBUSY' || Date.now() > deadline) {
          throw new TsbuildError('SANDBOX', `cannot remove cgroup ${dir}: ${(err as Error).message}`, { cause: err });
        }
        cgroup.kill();
        await sleep(delay);
      }
    }
    removeIfEmpty(dirname(dir));
  }
}

/** The shared `tsbuild` parent goes too once no run uses it, so no directory outlives tsbuild. */
function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Another run's cgroup is still in it (ENOTEMPTY/EBUSY), or it is gone already.
  }
}

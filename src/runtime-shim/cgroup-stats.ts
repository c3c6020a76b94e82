// Facts read from cgroup files: whether a pids limit can be set here, and whether a run's cgroup
// saw the kernel's OOM killer (so a step's exit 137 can be explained).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inUserNamespace } from '../fs/index.js';
import { detectCgroupLayout, type CgroupLayout } from './cgroup-layout.js';

/** True where tsbuild (as root) can write `pids.max` for its runs: a pids controller is there. */
export function canLimitPids(): boolean {
  return pidsLimitable(detectCgroupLayout(), process.getuid?.());
}

export function pidsLimitable(layout: CgroupLayout | undefined, uid: number | undefined): boolean {
  if (!layout || uid !== 0 || inUserNamespace()) return false;
  if (layout.version === 1) return existsSync(join(layout.root, 'pids', 'cgroup.procs'));
  try {
    return readFileSync(join(layout.root, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('pids');
  } catch {
    return false;
  }
}

/** Whether the OOM killer killed a process in one of `dirs` (v2 `memory.events`, v1 `memory.oom_control`). */
export function oomKilled(dirs: readonly string[]): boolean {
  return dirs.some((dir) => ['memory.events', 'memory.oom_control'].some((file) => {
    try {
      const count = /^oom_kill (\d+)$/m.exec(readFileSync(join(dir, file), 'utf8'))?.[1];
      return count !== undefined && Number(count) > 0;
    } catch {
      return false;
    }
  }));
}

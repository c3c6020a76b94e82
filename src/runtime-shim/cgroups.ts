// Per-run cgroups: creates a limited cgroup for one sandbox run and sweeps ones left by dead processes.
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import { processAlive } from '../fs/index.js';
import type { SandboxLimits } from './spec.js';
import { createV1Cgroup } from './cgroups-v1.js';
import { createV2Cgroup } from './cgroups-v2.js';
import type { RunCgroup } from './cgroup-handle.js';
import { cgroupParentPath, runCgroupParents, type CgroupLayout } from './cgroup-layout.js';

export type { RunCgroup } from './cgroup-handle.js';
export { cgroupParentPath, detectCgroupLayout, runCgroupParents, type CgroupLayout } from './cgroup-layout.js';

/** Creates `tsbuild/<name>` in every relevant hierarchy (under `parent`, see cgroupParentPath) and writes the limits. */
export function createRunCgroup(layout: CgroupLayout, name: string, limits: SandboxLimits = {}, parent?: string): RunCgroup {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new TsbuildError('SANDBOX', `invalid cgroup name ${name}`);
  try {
    return layout.version === 2 ? createV2Cgroup(layout.root, name, limits, parent) : createV1Cgroup(layout, name, limits, parent);
  } catch (err) {
    if (err instanceof TsbuildError) throw err;
    throw new TsbuildError('SANDBOX', `cannot create cgroup ${name}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Removes empty per-run cgroups whose tsbuild process is gone (killed before it could clean up).
 * Run cgroup names carry the owning pid: `run-<pid>-<random>`. (runc's own are removed by `runc delete`.)
 */
export function removeStaleCgroups(layout: CgroupLayout, cgroupParent?: string): void {
  for (const parent of runCgroupParents(layout, cgroupParent)) {
    for (const name of listDirs(parent)) {
      const owner = /^run-(\d+)-/.exec(name)?.[1];
      if (owner === undefined || processAlive(Number(owner))) continue;
      try {
        rmdirSync(join(parent, name));
      } catch {
        // Still has processes, or already gone.
      }
    }
    if (listDirs(parent).length === 0) removeEmptyDir(parent);
  }
}

/**
 * Removes the empty cgroups runc made for containers of dead tsbuild processes (`tsbuild-<pid>-<hex>`,
 * `runc delete` never ran): at the root of every mounted hierarchy, or under the cgroup parent.
 */
export function removeStaleRuntimeCgroups(root = '/sys/fs/cgroup', parent?: string): void {
  const under = parent === undefined ? '' : cgroupParentPath(parent);
  const hierarchies = existsSync(join(root, 'cgroup.controllers')) ? [root]
    : listDirs(root).map((name) => join(root, name)).filter((dir) => existsSync(join(dir, 'cgroup.procs')));
  for (const hierarchy of hierarchies) {
    const dir = join(hierarchy, under);
    for (const name of listDirs(dir)) {
      const owner = /^tsbuild-(\d+)-[0-9a-f]+$/.exec(name)?.[1];
      if (owner === undefined || processAlive(Number(owner))) continue;
      removeEmptyDir(join(dir, name));
    }
  }
}

function listDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}


function removeEmptyDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // In use again, or gone.
  }
}

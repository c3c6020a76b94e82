// A parent cgroup for --cgroup-parent tests, with a pids.max, and its removal from every hierarchy
// (the sandboxes make the parent, empty, in each hierarchy they use, as docker and runc do).
import { existsSync, mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';

export interface TestParentCgroup {
  name: string;
  remove(): void;
}

/** Makes `/<name>` with `pids.max` in the pids hierarchy (v1) or the unified root (v2). */
export function makeParentCgroup(name: string, pidsMax: number): TestParentCgroup {
  const pids = join(ROOT, existsSync(join(ROOT, 'cgroup.controllers')) ? '' : 'pids', name);
  mkdirSync(pids);
  writeFileSync(join(pids, 'pids.max'), String(pidsMax));
  return { name, remove: () => removeEverywhere(name) };
}

/** Removes `name` and the empty cgroups left below it, leaf first, in every mounted hierarchy. */
function removeEverywhere(name: string): void {
  const hierarchies = existsSync(join(ROOT, 'cgroup.controllers')) ? [ROOT]
    : readdirSync(ROOT).map((entry) => join(ROOT, entry)).filter((dir) => existsSync(join(dir, 'cgroup.procs')));
  for (const hierarchy of hierarchies) removeTree(join(hierarchy, name));
}

function removeTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) removeTree(join(dir, entry.name));
  rmdirSync(dir);
}

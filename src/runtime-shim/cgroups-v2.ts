// cgroup v2: one directory <root>/tsbuild/<name> with memory.max, cpu.max and pids.max.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxLimits } from './spec.js';
import { cgroupParentPath } from './cgroup-layout.js';
import { cpuQuotaUs, killPids, readPids, removeCgroupDirs, type RunCgroup } from './cgroup-handle.js';

const WANTED = ['memory', 'cpu', 'pids'];

export function createV2Cgroup(root: string, name: string, limits: SandboxLimits, cgroupParent?: string): RunCgroup {
  const levels = cgroupParent === undefined ? [] : cgroupParentPath(cgroupParent).split('/').filter(Boolean);
  const parent = join(root, ...levels, 'tsbuild');
  mkdirSync(parent, { recursive: true });
  // Each level down to tsbuild/ passes the controllers on (a parent of the user's own included).
  let level = root;
  for (const next of [...levels, 'tsbuild']) {
    enableControllers(level);
    level = join(level, next);
  }
  enableControllers(parent);
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  writeV2Limits(dir, parent, limits);
  const procs = join(dir, 'cgroup.procs');
  const cgroup: RunCgroup = {
    procsFiles: [procs],
    dirs: [dir],
    restrictsDevices: false,
    pids: () => readPids(procs),
    kill: () => killV2(dir, cgroup.pids),
    remove: () => removeCgroupDirs(cgroup),
  };
  return cgroup;
}

/** Lets the children of `dir` use the wanted controllers that `dir` itself has. */
function enableControllers(dir: string): void {
  const available = readWords(join(dir, 'cgroup.controllers'));
  const enabled = readWords(join(dir, 'cgroup.subtree_control'));
  const missing = WANTED.filter((c) => available.includes(c) && !enabled.includes(c));
  if (missing.length > 0) writeFileSync(join(dir, 'cgroup.subtree_control'), missing.map((c) => `+${c}`).join(' '));
}

function writeV2Limits(dir: string, parent: string, limits: SandboxLimits): void {
  const need = (ctrl: string): void => {
    if (!readWords(join(parent, 'cgroup.subtree_control')).includes(ctrl)) {
      throw new Error(`the ${ctrl} cgroup controller is not available`);
    }
  };
  if (limits.memoryBytes !== undefined) {
    need('memory');
    writeFileSync(join(dir, 'memory.max'), String(limits.memoryBytes));
    const swap = join(dir, 'memory.swap.max');
    if (existsSync(swap)) writeFileSync(swap, '0');
  }
  if (limits.cpus !== undefined) {
    need('cpu');
    writeFileSync(join(dir, 'cpu.max'), `${cpuQuotaUs(limits.cpus)} 100000`);
  }
  if (limits.pidsLimit !== undefined) {
    need('pids');
    writeFileSync(join(dir, 'pids.max'), String(limits.pidsLimit));
  }
}

function killV2(dir: string, pids: () => number[]): void {
  const killFile = join(dir, 'cgroup.kill');
  try {
    if (existsSync(killFile)) {
      writeFileSync(killFile, '1');
      return;
    }
  } catch {
    // Fall back to freezing and killing one by one.
  }
  const freeze = join(dir, 'cgroup.freeze');
  if (existsSync(freeze)) writeFileSync(freeze, '1');
  killPids(pids());
  if (existsSync(freeze)) writeFileSync(freeze, '0');
}

/** Controller names in a file; a leading `+` (the write syntax) is ignored. */
function readWords(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split(/\s+/).filter(Boolean).map((w) => w.replace(/^\+/, ''));
  } catch {
    return [];
  }
}

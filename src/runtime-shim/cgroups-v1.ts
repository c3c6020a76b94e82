// cgroup v1: one directory per controller hierarchy (memory, cpu, pids, freezer, devices), <ctrl>/<own cgroup>/tsbuild/<name>.
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALLOWED_DEVICES, v1DeviceRule } from './devices.js';
import type { SandboxLimits } from './spec.js';
import { V1_CONTROLLERS, v1Parent, type CgroupLayout } from './cgroup-layout.js';
import { cpuQuotaUs, killPids, readPids, removeCgroupDirs, type RunCgroup } from './cgroup-handle.js';

type Controller = (typeof V1_CONTROLLERS)[number];

export function createV1Cgroup(layout: CgroupLayout, name: string, limits: SandboxLimits, parent?: string): RunCgroup {
  const dirs = new Map<Controller, string>();
  for (const ctrl of V1_CONTROLLERS) {
    if (!existsSync(join(layout.root, ctrl, 'cgroup.procs'))) continue;
    const dir = join(v1Parent(layout, ctrl, parent), name);
    mkdirSync(dir, { recursive: true });
    dirs.set(ctrl, dir);
  }
  writeV1Limits(dirs, limits);
  const devices = dirs.get('devices');
  if (devices) restrictDevices(devices);
  const procsFiles = [...dirs.values()].map((d) => join(d, 'cgroup.procs'));
  const tracking = dirs.get('pids') ?? dirs.get('memory') ?? dirs.get('freezer');
  const cgroup: RunCgroup = {
    procsFiles,
    dirs: [...dirs.values()],
    restrictsDevices: devices !== undefined,
    pids: () => (tracking ? readPids(join(tracking, 'cgroup.procs')) : []),
    kill: () => killFrozen(dirs.get('freezer'), cgroup.pids),
    remove: () => removeCgroupDirs(cgroup),
  };
  return cgroup;
}

function writeV1Limits(dirs: Map<Controller, string>, limits: SandboxLimits): void {
  const need = (ctrl: Controller): string => {
    const dir = dirs.get(ctrl);
    if (!dir) throw new Error(`the ${ctrl} cgroup controller is not mounted`);
    return dir;
  };
  if (limits.memoryBytes !== undefined) {
    const dir = need('memory');
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    // Docker's --memory without --memory-swap allows as much swap again; a build step gets none.
    const memsw = join(dir, 'memory.memsw.limit_in_bytes');
    if (existsSync(memsw)) writeFileSync(memsw, String(limits.memoryBytes));
  }
  if (limits.cpus !== undefined) {
    const dir = need('cpu');
    writeFileSync(join(dir, 'cpu.cfs_period_us'), '100000');
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(cpuQuotaUs(limits.cpus)));
  }
  if (limits.pidsLimit !== undefined) writeFileSync(join(need('pids'), 'pids.max'), String(limits.pidsLimit));
}

/** Deny every device, then allow Docker's list; one rule per write, as the kernel wants. */
function restrictDevices(dir: string): void {
  writeFileSync(join(dir, 'devices.deny'), 'a');
  for (const rule of ALLOWED_DEVICES) appendFileSync(join(dir, 'devices.allow'), v1DeviceRule(rule));
}

/** Freezing first stops a fork loop from outrunning the kills. */
function killFrozen(freezer: string | undefined, pids: () => number[]): void {
  const state = freezer ? join(freezer, 'freezer.state') : undefined;
  if (state) trySet(state, 'FROZEN');
  killPids(pids());
  if (state) trySet(state, 'THAWED');
}

function trySet(file: string, value: string): void {
  try {
    writeFileSync(file, value);
  } catch {
    // The cgroup is already gone.
  }
}

// What docker users set on a container beside its limits: rlimits (`--ulimit`), the size of
// /dev/shm (`--shm-size`) and the cgroup parent (`--cgroup-parent`), checked before any setup.
import { TsbuildError } from '../errors.js';
import { checkUlimit, type Ulimit } from '../spec/index.js';
import { cgroupParentPath } from './cgroup-layout.js';
import type { SandboxSpec } from './spec.js';

/** RLIM_INFINITY, the uint64 an unlimited (-1) rlimit is, beyond a JS number's precision. */
const RLIM_INFINITY = '18446744073709551615';

/** Throws USAGE for a bad ulimit, /dev/shm size or cgroup parent (also what a build checks before it starts). */
export function checkRunSettings(spec: Pick<SandboxSpec, 'ulimits' | 'shmSize' | 'cgroupParent'>): void {
  for (const ulimit of spec.ulimits ?? []) checkUlimit(ulimit);
  if (spec.shmSize !== undefined && !(Number.isSafeInteger(spec.shmSize) && spec.shmSize > 0)) {
    throw new TsbuildError('USAGE', `invalid /dev/shm size ${spec.shmSize}: a positive number of bytes`);
  }
  if (spec.cgroupParent !== undefined) cgroupParentPath(spec.cgroupParent);
}

/** The OCI runtime spec's `process.rlimits` (-1 stays -1 here; see ociRlimitsJson). */
export function ociRlimits(ulimits: Ulimit[]): { type: string; soft: number; hard: number }[] {
  return ulimits.map((u) => ({ type: `RLIMIT_${u.name.toUpperCase()}`, soft: u.soft, hard: u.hard }));
}

/** JSON text of a config holding ociRlimits: an unlimited -1 becomes RLIM_INFINITY (runc reads uint64). */
export function ociRlimitsJson(config: unknown): string {
  return JSON.stringify(config).replace(/"(soft|hard)":-1(?=[,}])/g, `"$1":${RLIM_INFINITY}`);
}

/** runc's `linux.cgroupsPath`: from each hierarchy's root, under the parent when one is given. */
export function ociCgroupsPath(id: string, parent: string | undefined): string {
  const under = parent === undefined ? '' : cgroupParentPath(parent);
  return `/${under ? `${under}/` : ''}${id}`;
}

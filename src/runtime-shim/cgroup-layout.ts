// Where the cgroup hierarchies are (v1, v2, hybrid) and where tsbuild's run cgroups live in them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';

/** Where the cgroup filesystems are: v2 (unified at `root`) or v1 (one hierarchy per controller). */
export interface CgroupLayout {
  version: 1 | 2;
  /** Normally /sys/fs/cgroup; tests pass a fake tree. */
  root: string;
  /**
   * v1: tsbuild's own cgroup per controller (from /proc/self/cgroup). Run cgroups nest under it, so
   * a sandbox stays inside whatever memory/pids budget tsbuild itself was given.
   */
  own?: Partial<Record<string, string>>;
}

export const V1_CONTROLLERS = ['memory', 'cpu', 'pids', 'freezer', 'devices'] as const;

/** Detects the layout; a hybrid host (v1 controllers + an empty unified mount) counts as v1. */
export function detectCgroupLayout(root = '/sys/fs/cgroup', selfCgroupFile = '/proc/self/cgroup'): CgroupLayout | undefined {
  if (existsSync(join(root, 'cgroup.controllers'))) return { version: 2, root };
  if (!['memory', 'pids', 'cpu'].some((c) => existsSync(join(root, c, 'cgroup.procs')))) return undefined;
  return { version: 1, root, own: ownV1Cgroups(root, selfCgroupFile) };
}

/** `4:memory:/a/b` lines of /proc/self/cgroup, kept where that directory exists under `root`. */
function ownV1Cgroups(root: string, selfCgroupFile: string): Partial<Record<string, string>> {
  const own: Partial<Record<string, string>> = {};
  let text = '';
  try {
    text = readFileSync(selfCgroupFile, 'utf8');
  } catch {
    return own;
  }
  for (const line of text.split('\n')) {
    const [, controllers = '', path = ''] = line.split(':', 3);
    for (const ctrl of controllers.split(',')) {
      if ((V1_CONTROLLERS as readonly string[]).includes(ctrl) && path.startsWith('/') && existsSync(join(root, ctrl, path))) own[ctrl] = path;
    }
  }
  return own;
}

/**
 * `--cgroup-parent` as a relative path below each hierarchy's root, as BuildKit reads it (a leading
 * `/` or none, the same place); `..` would leave the cgroup filesystem and is refused, and so is
 * systemd's `slice:prefix:name` form (tsbuild writes cgroupfs itself, with no systemd driver).
 */
export function cgroupParentPath(parent: string): string {
  const parts = parent.split('/').filter((p) => p !== '' && p !== '.');
  const why = parts.includes('..') ? 'it may not contain ".."'
    : parent.includes(':') ? 'systemd\'s slice:prefix:name form is not supported: give a cgroupfs path such as /ci/builds'
    : [...parent].some((c) => c.charCodeAt(0) < 0x20) ? 'it contains a control character' : undefined;
  if (why) throw new TsbuildError('USAGE', `invalid cgroup parent "${parent}": ${why}`);
  return parts.join('/');
}

/**
 * The `tsbuild` directories that hold run cgroups: one per v1 controller, or one for v2; under
 * `parent` (see cgroupParentPath) when given, else under tsbuild's own cgroup (v1) or the root (v2).
 */
export function runCgroupParents(layout: CgroupLayout, parent?: string): string[] {
  if (layout.version === 2) return [join(layout.root, parent === undefined ? '' : cgroupParentPath(parent), 'tsbuild')];
  return V1_CONTROLLERS.map((ctrl) => v1Parent(layout, ctrl, parent));
}

export function v1Parent(layout: CgroupLayout, ctrl: string, parent?: string): string {
  const base = parent === undefined ? layout.own?.[ctrl] ?? '/' : cgroupParentPath(parent);
  return join(layout.root, ctrl, base, 'tsbuild');
}

// Facts about the user namespace this process runs in. Rootless tsbuild re-executes itself as
// "root" of a user namespace (src/runtime-shim/userns-enter.ts); the code that touches the file
// system asks here what that root may do: overlayfs keeps its metadata in `user.overlay.*`
// instead of `trusted.overlay.*` (which needs root of the initial namespace), and with a single-id
// mapping every owner but root collapses to it.
import { lchownSync, readFileSync } from 'node:fs';
import { TsbuildError } from '../errors.js';

export interface IdMapRange {
  inside: number;
  outside: number;
  count: number;
}

/** How this process's ids are mapped: `initial` is the host's own namespace (identity over all ids). */
export type UserNamespaceKind = 'initial' | 'subordinate' | 'single-id';

let cached: UserNamespaceKind | undefined;

function userNamespaceKind(): UserNamespaceKind {
  cached ??= classifyUidMap(readUidMap());
  return cached;
}

/** True inside a user namespace other than the host's (rootless mode). */
export function inUserNamespace(): boolean {
  return userNamespaceKind() !== 'initial';
}

function classifyUidMap(ranges: readonly IdMapRange[]): UserNamespaceKind {
  const identity = ranges.length === 1 && ranges[0].inside === 0 && ranges[0].outside === 0 && ranges[0].count === 4294967295;
  if (identity || ranges.length === 0) return 'initial';
  const total = ranges.reduce((sum, range) => sum + range.count, 0);
  return total <= 1 ? 'single-id' : 'subordinate';
}

function parseIdMap(text: string): IdMapRange[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((fields) => fields.length === 3 && fields.every((n) => Number.isInteger(n)))
    .map(([inside, outside, count]) => ({ inside, outside, count }));
}

function readUidMap(): IdMapRange[] {
  try {
    return parseIdMap(readFileSync('/proc/self/uid_map', 'utf8'));
  } catch {
    return [];
  }
}

/** The xattr namespace overlayfs reads here: `trusted.overlay.` as real root, `user.overlay.` in a user namespace. */
function overlayXattrPrefix(): string {
  return inUserNamespace() ? 'user.overlay.' : 'trusted.overlay.';
}

/** The name of overlayfs's opaque-directory marker in this namespace. */
export function opaqueXattr(): string {
  return `${overlayXattrPrefix()}opaque`;
}

/**
 * The overlay options that keep an upper dir a self-contained diff: no redirects of renamed dirs,
 * no metadata-only copy-ups, no index. In a user namespace `userxattr` (the kernel refuses
 * trusted.* there), which conflicts with `redirect_dir=off` (read as `follow`): `nofollow` there.
 */
export function overlayDiffOptions(): string {
  return inUserNamespace() ? 'redirect_dir=nofollow,metacopy=off,index=off,userxattr' : 'redirect_dir=off,metacopy=off,index=off';
}

/**
 * lchown for owners the namespace may not have: with a single-id mapping only root exists, so the
 * file keeps root (the limit the rootless warning states); with subordinate ids, an id beyond the
 * range is a ROOTLESS error naming the fix. Elsewhere errors stand.
 */
export function lchownInNamespace(path: string, uid: number, gid: number): void {
  try {
    lchownSync(path, uid, gid);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
    const kind = userNamespaceKind();
    if (kind === 'single-id') return;
    if (kind === 'subordinate') {
      throw new TsbuildError('ROOTLESS', `cannot give ${path} owner ${uid}:${gid}: rootless tsbuild has only the ids of its user namespace (0 and the user's subordinate range, see /proc/self/uid_map); give the user a larger range in /etc/subuid and /etc/subgid, or build as root`);
    }
    throw error;
  }
}

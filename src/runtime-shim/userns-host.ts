// What the host offers an ordinary user for a user namespace: whether the kernel allows one, the
// user's subordinate ids (/etc/subuid, /etc/subgid), and the setuid helpers that map them.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { TsbuildError } from '../errors.js';
import { findOnPath } from './select.js';

export interface SubordinateRange {
  start: number;
  count: number;
}

export interface UserNamespacePlan {
  uid: number;
  gid: number;
  /** The map for newuidmap/newgidmap; absent: map only the user's own ids (single-id fallback). */
  subordinate?: { uids: SubordinateRange; gids: SubordinateRange; newuidmap: string; newgidmap: string };
  /** util-linux's unshare, which creates the namespaces and execs tsbuild again inside them. */
  unshare: string;
}

/** The sysctls that switch unprivileged user namespaces off, with their values ('' if absent). */
export interface UserNamespaceSysctls {
  maxUserNamespaces: string;
  unprivilegedUsernsClone: string;
  apparmorRestrictUnprivilegedUserns: string;
}

function readUserNamespaceSysctls(): UserNamespaceSysctls {
  return {
    maxUserNamespaces: readTrimmed('/proc/sys/user/max_user_namespaces'),
    unprivilegedUsernsClone: readTrimmed('/proc/sys/kernel/unprivileged_userns_clone'),
    apparmorRestrictUnprivilegedUserns: readTrimmed('/proc/sys/kernel/apparmor_restrict_unprivileged_userns'),
  };
}

/** Throws ROOTLESS naming the sysctl to change when the kernel refuses user namespaces to users. */
export function checkUserNamespacesEnabled(sysctls: UserNamespaceSysctls = readUserNamespaceSysctls()): void {
  if (sysctls.maxUserNamespaces === '0') {
    throw rootlessError('user namespaces are disabled on this host (user.max_user_namespaces = 0); enable them with `sysctl -w user.max_user_namespaces=15000` (as root), or run tsbuild as root');
  }
  if (sysctls.unprivilegedUsernsClone === '0') {
    throw rootlessError('unprivileged user namespaces are disabled on this host (kernel.unprivileged_userns_clone = 0); enable them with `sysctl -w kernel.unprivileged_userns_clone=1` (as root), or run tsbuild as root');
  }
}

/** The ranges of `user` (by name or uid) in a subuid/subgid file; the first one is used. */
export function parseSubordinateIds(text: string, name: string, id: number): SubordinateRange | undefined {
  for (const line of text.split('\n')) {
    const [owner, start, count] = line.trim().split(':');
    if (owner !== name && owner !== String(id)) continue;
    const range = { start: Number(start), count: Number(count) };
    if (Number.isInteger(range.start) && Number.isInteger(range.count) && range.count > 0) return range;
  }
  return undefined;
}

/** Everything needed to enter the namespace, or a ROOTLESS error naming what the host lacks. */
export function planUserNamespace(): UserNamespacePlan {
  checkUserNamespacesEnabled();
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const unshare = findOnPath('unshare');
  if (!unshare) throw rootlessError('rootless mode needs `unshare` from util-linux on PATH (Debian: apt-get install util-linux)');
  const name = userInfo().username;
  const uids = parseSubordinateIds(readTrimmed('/etc/subuid'), name, uid);
  const gids = parseSubordinateIds(readTrimmed('/etc/subgid'), name, gid);
  if (!uids || !gids) return { uid, gid, unshare };
  const newuidmap = findOnPath('newuidmap');
  const newgidmap = findOnPath('newgidmap');
  if (!newuidmap || !newgidmap) {
    throw rootlessError(`${name} has subordinate ids in /etc/subuid and /etc/subgid, but newuidmap/newgidmap are not installed to map them (Debian/Ubuntu: apt-get install uidmap; Fedora: shadow-utils)`);
  }
  return { uid, gid, unshare, subordinate: { uids, gids, newuidmap, newgidmap } };
}

/** The one warning of the single-id fallback. */
export function singleIdWarning(name: string = userInfo().username): string {
  return `warning: ${name} has no subordinate ids in /etc/subuid and /etc/subgid, so tsbuild runs rootless with a single-id mapping: ` +
    'every file owner and RUN user other than root becomes root in images, and RUN steps cannot switch to another USER. ' +
    `Fix (as root): usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${name}\n`;
}

export function rootlessError(message: string): TsbuildError {
  return new TsbuildError('ROOTLESS', message);
}

function readTrimmed(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

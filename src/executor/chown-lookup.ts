// Resolves `--chown user:group` through the destination rootfs's /etc/passwd and /etc/group.
import { readFileSync } from 'node:fs';
import { TsbuildError } from '../errors.js';
import { parseGroup, parsePasswd } from '../runtime-shim/index.js';
import { resolveInRoot } from '../oci/index.js';

export interface Owner {
  uid: number;
  gid: number;
}

const NUMERIC = /^\d+$/;

/**
 * BuildKit's rules: a numeric user without a group uses the same number as gid; a user name without
 * a group takes the primary gid from /etc/passwd; an explicit group (name or number) wins;
 * `:group` alone means uid 0. Unknown names are errors.
 */
export function resolveChown(rootfs: string, spec: string): Owner {
  const [userPart, groupPart] = splitOnce(spec.trim(), ':');
  const user = resolveUser(rootfs, userPart);
  if (groupPart === undefined || groupPart === '') return user;
  return { uid: user.uid, gid: resolveGroup(rootfs, groupPart) };
}

function resolveUser(rootfs: string, user: string): Owner {
  if (user === '') return { uid: 0, gid: 0 };
  if (NUMERIC.test(user)) return { uid: Number(user), gid: Number(user) };
  const entry = parsePasswd(readImageText(rootfs, 'etc/passwd')).find((e) => e.name === user);
  if (!entry) throw new TsbuildError('NOT_FOUND', `unable to find user ${user}: no matching entries in passwd file`);
  return { uid: entry.uid, gid: entry.gid };
}

function resolveGroup(rootfs: string, group: string): number {
  if (NUMERIC.test(group)) return Number(group);
  const entry = parseGroup(readImageText(rootfs, 'etc/group')).find((e) => e.name === group);
  if (!entry) throw new TsbuildError('NOT_FOUND', `unable to find group ${group}: no matching entries in group file`);
  return entry.gid;
}

/** A file of the rootfs (symlinks resolved inside it); a missing file reads as empty. */
function readImageText(rootfs: string, rel: string): string {
  try {
    return readFileSync(resolveInRoot(rootfs, rel, true), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return '';
    throw error;
  }
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

// Resolves a Dockerfile USER (`name`, `uid`, `name:group`, `uid:gid`) through the image's /etc/passwd and /etc/group.
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import type { Rootfs, SandboxUser } from './spec.js';

export interface ResolvedUser extends SandboxUser {
  /** The passwd home directory ("/" when the user is not in passwd), for a default HOME. */
  home: string;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

/**
 * Docker's rules (libcontainer user.GetExecUser): a numeric user need not exist (gid 0, home /);
 * a named user or group must; supplementary groups come from /etc/group only when no group is given,
 * and always include the primary group.
 */
export function resolveUser(user: string, rootfs: Rootfs): ResolvedUser {
  const [userPart = '', groupPart] = user.split(':', 2);
  const layers = rootfs.kind === 'overlay' ? [rootfs.upperdir, ...rootfs.lowerdirs] : [rootfs.path];
  const passwd = parsePasswd(readImageFile(layers, 'etc/passwd'));
  const entry = isNumeric(userPart)
    ? passwd.find((p) => p.uid === Number(userPart)) ?? { name: '', uid: Number(userPart), gid: 0, home: '/' }
    : passwd.find((p) => p.name === userPart);
  if (!entry || userPart === '') throw new TsbuildError('STEP_FAILED', `unable to find user ${userPart}: no matching entries in passwd file`);
  const groups = parseGroup(readImageFile(layers, 'etc/group'));
  if (groupPart !== undefined) {
    const gid = groupId(groupPart, groups);
    return { uid: entry.uid, gid, additionalGids: withPrimary(gid, []), home: entry.home };
  }
  const memberOf = entry.name === '' ? [] : groups.filter((g) => g.members.includes(entry.name)).map((g) => g.gid);
  return { uid: entry.uid, gid: entry.gid, additionalGids: withPrimary(entry.gid, [...new Set(memberOf)]), home: entry.home };
}

/** The primary group first among the supplementary ones unless listed (BuildKit's fix for CVE-2023-25173). */
function withPrimary(gid: number, additional: number[]): number[] {
  return additional.includes(gid) ? additional : [gid, ...additional];
}

function groupId(group: string, groups: GroupEntry[]): number {
  if (isNumeric(group)) return Number(group);
  const found = groups.find((g) => g.name === group);
  if (!found) throw new TsbuildError('STEP_FAILED', `unable to find group ${group}: no matching entries in group file`);
  return found.gid;
}

/** The file from the top-most layer that has it; a whiteout or a non-regular file reads as empty. */
function readImageFile(layers: string[], path: string): string {
  for (const layer of layers) {
    const full = join(layer, path);
    let st;
    try {
      st = lstatSync(full);
    } catch {
      continue;
    }
    // Never follow an image symlink to a host file.
    return st.isFile() ? readFileSync(full, 'utf8') : '';
  }
  return '';
}

/** /etc/passwd entries; lines without numeric ids are skipped. */
export function parsePasswd(text: string): PasswdEntry[] {
  return lines(text).flatMap((f) => (f.length >= 6 && isNumeric(f[2]) && isNumeric(f[3])
    ? [{ name: f[0] as string, uid: Number(f[2]), gid: Number(f[3]), home: f[5] || '/' }]
    : []));
}

/** /etc/group entries; lines without a numeric gid are skipped. */
export function parseGroup(text: string): GroupEntry[] {
  return lines(text).flatMap((f) => (f.length >= 3 && isNumeric(f[2])
    ? [{ name: f[0] as string, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }]
    : []));
}

function lines(text: string): string[][] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(':'));
}

function isNumeric(s: string | undefined): boolean {
  return s !== undefined && /^\d+$/.test(s);
}

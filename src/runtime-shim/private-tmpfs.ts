// Private directories on a tmpfs for what must never reach a disk: secret files, and the builtin
// helper's spec (it holds env secrets). They live in RAM, so they die with the machine at worst;
// each is named `tsbuild-<pid>-<start time>-<random>` so that the next tsbuild removes those of
// processes that died without cleaning up (a SIGKILL), and never those of a live one.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import { processStartTime } from '../fs/index.js';

const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;
const PREFIX = 'tsbuild-';

export interface PrivateDir {
  path: string;
  remove(): void;
}

/** Creates a 0700 directory on a tmpfs (/dev/shm, else the user's runtime dir). */
export function createPrivateDir(): PrivateDir {
  const base = tmpfsBase();
  sweepPrivateDirs(base);
  const path = join(base, `${PREFIX}${process.pid}-${startTimeOf(process.pid)}-${randomBytes(6).toString('hex')}`);
  mkdirSync(path, { mode: 0o700 });
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Removes the private dirs of dead processes (found by pid and start time). */
export function sweepPrivateDirs(base = tmpfsBaseOrUndefined()): void {
  if (!base) return;
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^tsbuild-(\d+)-(\d+)-[0-9a-f]+$/.exec(name);
    if (!match || startTimeOf(Number(match[1])) === match[2]) continue;
    rmSync(join(base, name), { recursive: true, force: true });
  }
}

function tmpfsBase(): string {
  const base = tmpfsBaseOrUndefined();
  if (base) return base;
  throw new TsbuildError(
    'SANDBOX',
    'secrets and sandbox specs are kept on a tmpfs, and /dev/shm is not one (mount -t tmpfs -o mode=1777 tmpfs /dev/shm)',
  );
}

function tmpfsBaseOrUndefined(): string | undefined {
  const uid = process.getuid?.();
  const candidates = ['/dev/shm', process.env['XDG_RUNTIME_DIR'], uid === undefined ? undefined : `/run/user/${uid}`];
  return candidates.find((dir): dir is string => dir !== undefined && isTmpfs(dir));
}

function isTmpfs(dir: string): boolean {
  try {
    const type = statfsSync(dir).type;
    return type === TMPFS_MAGIC || type === RAMFS_MAGIC;
  } catch {
    return false;
  }
}

/** A process's start time in clock ticks since boot, '' if it is gone. */
function startTimeOf(pid: number): string {
  return String(processStartTime(pid) ?? '');
}

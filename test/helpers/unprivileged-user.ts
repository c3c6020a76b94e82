// An ordinary (non-root) user for rootless tests: created once per machine with `useradd`, given
// subordinate ids in /etc/subuid and /etc/subgid (or none, to test the fallback), and a way to run
// the built CLI as that user through `setpriv` with a HOME and TMPDIR of its own per test.
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
export const cliPath = join(repo, 'dist/cli.js');

/** Subordinate id ranges are this long, like useradd's default (SUB_UID_COUNT). */
const SUBORDINATE_COUNT = 65536;

/** By path: tests may hand the user a PATH without it. */
const SETPRIV = '/usr/bin/setpriv';

export interface UnprivilegedUser {
  name: string;
  uid: number;
  gid: number;
  /** The user's first subordinate uid and gid, when it has any. */
  subordinate?: { uid: number; gid: number; count: number };
}

/** A per-test HOME and TMPDIR owned by the user, under a root-owned dir only the user may enter. */
export interface UserSession {
  user: UnprivilegedUser;
  home: string;
  tmp: string;
  env: NodeJS.ProcessEnv;
  /** Runs `tsbuild <args>` as the user, synchronously. */
  tsbuild(args: string[], options?: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): SpawnSyncReturns<string>;
  /** Runs any command as the user. */
  exec(command: string, args: string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): SpawnSyncReturns<string>;
  /** Runs `tsbuild <args>` as the user without blocking the test's event loop (a registry may be in-process). */
  tsbuildAsync(args: string[], options?: { env?: NodeJS.ProcessEnv }): Promise<{ status: number | null; stdout: string; stderr: string }>;
}

/**
 * Creates `name` if missing (serialised with flock: test files run in parallel). With
 * `subordinateIds`, the user gets its own 65536 subordinate uids and gids after every range in
 * /etc/subuid and /etc/subgid; without, any it has are removed.
 */
export function ensureUnprivilegedUser(name: string, options: { subordinateIds: boolean }): UnprivilegedUser {
  const script = [
    'set -e',
    `id -u "$1" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "$1"`,
    'touch /etc/subuid /etc/subgid',
    'for file in /etc/subuid /etc/subgid; do',
    '  if [ "$2" = yes ]; then',
    '    grep -q "^$1:" "$file" && continue',
    `    next=$(awk -F: 'BEGIN { end = 100000 } { if ($2 + $3 > end) end = $2 + $3 } END { print end }' "$file")`,
    `    echo "$1:$next:${SUBORDINATE_COUNT}" >> "$file"`,
    '  else',
    '    sed -i "/^$1:/d" "$file"',
    '  fi',
    'done',
  ].join('\n');
  execFileSync('flock', ['/run/tsbuild-test-users.lock', 'sh', '-c', script, 'sh', name, options.subordinateIds ? 'yes' : 'no'], {
    stdio: 'inherit',
  });
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  const subUid = firstRange('/etc/subuid', name);
  const subGid = firstRange('/etc/subgid', name);
  const subordinate = subUid && subGid ? { uid: subUid.start, gid: subGid.start, count: Math.min(subUid.count, subGid.count) } : undefined;
  return { name, uid, gid, subordinate };
}

function firstRange(file: string, name: string): { start: number; count: number } | undefined {
  const line = readFileSync(file, 'utf8').split('\n').find((entry) => entry.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, start, count] = line.split(':');
  return { start: Number(start), count: Number(count) };
}

/** A fresh HOME and TMPDIR for `user`, and runners that start processes as it. */
export function userSession(user: UnprivilegedUser, label: string): UserSession {
  // Root's mkdtemp makes a 0700 dir: open it for traversal, then give the user its own dirs below.
  const base = mkdtempSync(join(tmpdir(), `tsbuild-rootless-${label}-`));
  chmodSync(base, 0o755);
  const home = join(base, 'home');
  const tmp = join(base, 'tmp');
  for (const dir of [home, tmp]) {
    mkdirSync(dir);
    chownSync(dir, user.uid, user.gid);
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    TMPDIR: tmp,
    USER: user.name,
    LOGNAME: user.name,
    LANG: 'C.UTF-8',
    CI: '',
  };
  const asUser = ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--'];
  const exec: UserSession['exec'] = (command, args, options = {}) =>
    spawnSync(SETPRIV, [...asUser, command, ...args], {
      encoding: 'utf8',
      env: { ...env, ...options.env },
      cwd: home,
      timeout: options.timeoutMs ?? 120_000,
    });
  return {
    user,
    home,
    tmp,
    env,
    exec,
    tsbuild: (args, options = {}) =>
      spawnSync(SETPRIV, [...asUser, process.execPath, '--', cliPath, ...args], {
        encoding: 'utf8',
        env: { ...env, ...options.env },
        cwd: home,
        input: options.input,
        timeout: options.timeoutMs ?? 120_000,
      }),
    tsbuildAsync: (args, options = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(SETPRIV, [...asUser, process.execPath, '--', cliPath, ...args], {
          env: { ...env, ...options.env },
          cwd: home,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('error', reject);
        child.once('close', (status) => resolve({ status, stdout, stderr }));
      }),
  };
}

/** Makes `dir` (created by root) and everything in it the user's, e.g. a build context. */
export function giveToUser(user: UnprivilegedUser, dir: string): void {
  spawnSync('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
}

// What rootless mode needs from the host, each missing piece met with its own outcome: no
// subordinate ids -> the single-id fallback with one warning; no newuidmap -> ROOTLESS naming the
// package; user namespaces switched off -> ROOTLESS naming the sysctl.
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkUserNamespacesEnabled, parseSubordinateIds } from '../../src/runtime-shim/userns-host.js';
import { cliPath, ensureUnprivilegedUser, userSession, type UnprivilegedUser } from '../helpers/unprivileged-user.js';
import { describeResult, saveBusyboxBase, userContext } from './fixture.js';

let base: string;
let withIds: UnprivilegedUser;
let withoutIds: UnprivilegedUser;

beforeAll(async () => {
  withIds = ensureUnprivilegedUser('tsbuild-rootless', { subordinateIds: true });
  withoutIds = ensureUnprivilegedUser('tsbuild-rootless-noids', { subordinateIds: false });
  base = await saveBusyboxBase();
});

describe('single-id fallback (no subordinate ids)', () => {
  it('builds with one warning, and owners other than root collapse to root', () => {
    const session = userSession(withoutIds, 'noids');
    expect(session.tsbuild(['load', '-i', base]).status).toBe(0);
    const context = userContext(session, 'ctx', {
      Dockerfile: 'FROM base:1\nCOPY --chown=1234:5678 data.txt /data.txt\nRUN echo one && echo two\n',
      'data.txt': 'data\n',
    });
    const built = session.tsbuild(['build', '--progress', 'plain', '-t', 'demo/noids', context]);
    expect(built.status, describeResult(built)).toBe(0);
    expect(built.stderr.match(/no subordinate ids/g)).toHaveLength(1);
    expect(built.stderr).toContain(`usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${withoutIds.name}`);
    const shown = session.tsbuild(['run', '--rm', '--network', 'none', 'demo/noids', 'stat', '-c', '%u:%g', '/data.txt']);
    expect(shown.status, describeResult(shown)).toBe(0);
    expect(shown.stdout).toBe('0:0\n');
  });
});

describe('limits of subordinate-id mode are ROOTLESS errors naming the fix', () => {
  it('an owner beyond the subordinate range, and resource limits without cgroups', () => {
    const session = userSession(withIds, 'limits');
    expect(session.tsbuild(['load', '-i', base]).status).toBe(0);
    const big = userContext(session, 'ctx-big', { Dockerfile: 'FROM base:1\nCOPY --chown=200000:200000 data.txt /data.txt\n', 'data.txt': 'x\n' });
    const chowned = session.tsbuild(['build', '--progress', 'plain', big]);
    expect(chowned.status, describeResult(chowned)).toBe(1);
    expect(chowned.stderr).toMatch(/owner 200000:200000: rootless tsbuild has only the ids of its user namespace.*larger range in \/etc\/subuid/);
    const small = userContext(session, 'ctx-limits', { Dockerfile: 'FROM base:1\nRUN true\n' });
    const limited = session.tsbuild(['build', '--progress', 'plain', '--memory', '64m', small]);
    expect(limited.status, describeResult(limited)).toBe(1);
    expect(limited.stderr).toMatch(/resource limits .* need cgroups, which rootless tsbuild cannot write/);
    const parented = session.tsbuild(['build', '--progress', 'plain', '--cgroup-parent', 'ci', small]);
    expect(parented.status, describeResult(parented)).toBe(1);
    expect(parented.stderr).toMatch(/a cgroup parent \(ci\) needs cgroups, which rootless tsbuild cannot write/);
    // ulimits need no cgroup: lowering one works rootless too.
    const ulimited = userContext(session, 'ctx-ulimit', { Dockerfile: 'FROM base:1\nRUN test "$(ulimit -n)" = 77\n' });
    const lowered = session.tsbuild(['build', '--progress', 'plain', '--ulimit', 'nofile=77', ulimited]);
    expect(lowered.status, describeResult(lowered)).toBe(0);
  });
});

describe('missing host pieces are ROOTLESS errors naming the fix', () => {
  it('subordinate ids without newuidmap: names the uidmap package', () => {
    const session = userSession(withIds, 'nouidmap');
    // A PATH with unshare but not newuidmap/newgidmap (they live beside it in /usr/bin).
    const bin = join(session.home, 'bin');
    mkdirSync(bin);
    symlinkSync('/usr/bin/unshare', join(bin, 'unshare'));
    const result = session.tsbuild(['images'], { env: { PATH: bin } });
    expect(result.status, describeResult(result)).toBe(1);
    expect(result.stderr).toMatch(/^error: .*newuidmap\/newgidmap are not installed.*apt-get install uidmap/m);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('user namespaces disabled (user.max_user_namespaces = 0): names the sysctl', async () => {
    // The limit is per user namespace: root sets it to 0 in a namespace of its own that maps root
    // and the test user, then starts tsbuild there as that user. The host's setting is untouched.
    const session = userSession(withIds, 'nouserns');
    // The first sh waits for the maps; the second, exec'd as mapped root, has the namespace's capabilities.
    const asRoot = `echo 0 > /proc/sys/user/max_user_namespaces; exec setpriv --reuid ${withIds.uid} --regid ${withIds.gid} --clear-groups -- "$@"`;
    const inner = `read -r _; exec sh -c '${asRoot}' sh "$@"`;
    const child = spawn('unshare', ['--user', '--', 'sh', '-c', inner, 'sh', process.execPath, '--', cliPath, 'images'], {
      env: session.env, cwd: session.home, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitForOwnUserNamespace(child.pid as number);
    const { writeFileSync } = await import('node:fs');
    for (const file of ['uid_map', 'gid_map']) {
      const id = file === 'uid_map' ? withIds.uid : withIds.gid;
      writeFileSync(`/proc/${child.pid}/${file}`, `0 0 1\n${id} ${id} 1\n`);
    }
    child.stdin.end('go\n');
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(status, describeResult({ status, stdout, stderr })).toBe(1);
    expect(stderr).toMatch(/^error: user namespaces are disabled on this host \(user\.max_user_namespaces = 0\); enable them with `sysctl -w user\.max_user_namespaces=15000`/m);
  });

  it('reads the sysctls that switch user namespaces off, and subuid entries by name or uid', () => {
    const off = { maxUserNamespaces: '15000', unprivilegedUsernsClone: '0', apparmorRestrictUnprivilegedUserns: '' };
    expect(() => checkUserNamespacesEnabled(off)).toThrow(/kernel\.unprivileged_userns_clone=1/);
    expect(() => checkUserNamespacesEnabled({ ...off, unprivilegedUsernsClone: '1' })).not.toThrow();
    const text = 'alice:100000:65536\n1001:165536:65536\nbob:x:1\n';
    expect(parseSubordinateIds(text, 'alice', 1000)).toEqual({ start: 100000, count: 65536 });
    expect(parseSubordinateIds(text, 'carol', 1001)).toEqual({ start: 165536, count: 65536 });
    expect(parseSubordinateIds(text, 'bob', 1002)).toBeUndefined();
  });
});

async function waitForOwnUserNamespace(pid: number): Promise<void> {
  const { readlinkSync } = await import('node:fs');
  const own = readlinkSync('/proc/self/ns/user');
  for (let i = 0; i < 200; i++) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/user`) !== own) return;
    } catch {
      // not started yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('unshare did not create its user namespace');
}

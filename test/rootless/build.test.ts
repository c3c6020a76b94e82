// `tsbuild build` as an ordinary user with subordinate ids: rootless mode is chosen by itself,
// the store is ~/.local/share/tsbuild, and owners inside the image are the ones the Dockerfile says.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureUnprivilegedUser, userSession, type UnprivilegedUser } from '../helpers/unprivileged-user.js';
import { describeResult, saveBusyboxBase, userContext } from './fixture.js';

let user: UnprivilegedUser;
let base: string;

beforeAll(async () => {
  user = ensureUnprivilegedUser('tsbuild-rootless', { subordinateIds: true });
  base = await saveBusyboxBase();
});

describe('rootless build', () => {
  it('loads a base owned by root and runs a RUN step as an ordinary user', () => {
    const session = userSession(user, 'run');
    const loaded = session.tsbuild(['load', '-i', base]);
    expect(loaded.status, describeResult(loaded)).toBe(0);
    const context = userContext(session, 'ctx', {
      Dockerfile: 'FROM base:1\nRUN id -u > /uid && stat -c %u:%g /bin/busybox > /busybox-owner\n',
    });
    const built = session.tsbuild(['build', '--progress', 'plain', '-t', 'demo/run', context]);
    expect(built.status, describeResult(built)).toBe(0);
    expect(built.stderr).not.toMatch(/EPERM/);
    expect(existsSync(join(session.home, '.local/share/tsbuild/images'))).toBe(true);
  });

  it('leaves out device nodes of a layer with a warning (a user namespace cannot create them)', async () => {
    const session = userSession(user, 'devices');
    const withDevice = await saveBusyboxBase({ extra: (rootfs) => execFileSync('mknod', [join(rootfs, 'dev/null-copy'), 'c', '1', '3']) });
    expect(session.tsbuild(['load', '-i', withDevice]).status).toBe(0);
    const context = userContext(session, 'ctx', { Dockerfile: 'FROM base:1\nRUN echo built > /built\n' });
    const built = session.tsbuild(['build', '--progress', 'plain', context]);
    expect(built.status, describeResult(built)).toBe(0);
    expect(built.stderr).toMatch(/device node \/dev\/null-copy \(1:3\) left out: rootless tsbuild cannot create device nodes/);
  });
});

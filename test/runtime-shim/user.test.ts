// USER resolution through the image's /etc/passwd and /etc/group, over overlay layers.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveUser, type Rootfs } from '../../src/runtime-shim/index.js';

const base = mkdtempSync(join(tmpdir(), 'tsbuild-user-test-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function layer(name: string, files: Record<string, string>): string {
  const dir = join(base, name);
  mkdirSync(join(dir, 'etc'), { recursive: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

const lower = layer('lower', {
  'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n',
  'etc/group': 'root:x:0:\nwheel:x:10:app,other\naudio:x:29:app\napp:x:1000:\n',
});
const upper = layer('upper', { 'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nbuilder:x:2000:2000::/b:/bin/sh\n' });
const rootfs: Rootfs = { kind: 'overlay', lowerdirs: [lower], upperdir: join(base, 'empty-upper'), workdir: '/unused' };

describe('resolveUser', () => {
  it.each([
    // The primary group is always a supplementary one too (BuildKit, CVE-2023-25173).
    ['app', { uid: 1000, gid: 1000, additionalGids: [1000, 10, 29], home: '/home/app' }],
    ['1000', { uid: 1000, gid: 1000, additionalGids: [1000, 10, 29], home: '/home/app' }],
    ['app:wheel', { uid: 1000, gid: 10, additionalGids: [10], home: '/home/app' }],
    ['1234', { uid: 1234, gid: 0, additionalGids: [0], home: '/' }],
    ['1234:55', { uid: 1234, gid: 55, additionalGids: [55], home: '/' }],
    ['root', { uid: 0, gid: 0, additionalGids: [0], home: '/root' }],
  ])('%s', (user, expected) => {
    expect(resolveUser(user, rootfs)).toEqual(expected);
  });

  it('fails naming an unknown user or group', () => {
    expect(() => resolveUser('nobody-here', rootfs)).toThrow(/unable to find user nobody-here/);
    expect(() => resolveUser('app:nogroup', rootfs)).toThrow(/unable to find group nogroup/);
  });

  it('reads the top-most layer that has the file', () => {
    const stacked: Rootfs = { kind: 'overlay', lowerdirs: [upper, lower], upperdir: join(base, 'empty-upper'), workdir: '/unused' };
    expect(resolveUser('builder', stacked)).toMatchObject({ uid: 2000, gid: 2000 });
    expect(() => resolveUser('app', stacked)).toThrow(/unable to find user app/);
  });

  it('does not follow an image symlink out to the host', () => {
    const evil = join(base, 'evil');
    mkdirSync(join(evil, 'etc'), { recursive: true });
    symlinkSync('/etc/passwd', join(evil, 'etc/passwd'));
    expect(() => resolveUser('root', { kind: 'directory', path: evil })).toThrow(/unable to find user root/);
  });
});

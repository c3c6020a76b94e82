// The spec as the native helper's token file and as an OCI runtime config.json.
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeHelperSpec } from '../../src/runtime-shim/builtin-spec.js';
import { ociConfig } from '../../src/runtime-shim/oci-config.js';
import { volatileOption } from '../../src/runtime-shim/overlay-options.js';
import { DEFAULT_CAPABILITIES, type SandboxSpec } from '../../src/runtime-shim/index.js';

const base: SandboxSpec = {
  args: ['/bin/sh', '-c', 'echo hi'],
  env: ['PATH=/bin'],
  cwd: '/src',
  user: { uid: 1000, gid: 1001, additionalGids: [10, 20] },
  rootfs: { kind: 'overlay', lowerdirs: ['/l/top', '/l/base'], upperdir: '/u', workdir: '/w' },
  mounts: [{ type: 'tmpfs', target: '/tmp', options: ['size=1m'] }],
  network: 'none',
  hostname: 'box',
  limits: { memoryBytes: 1 << 20, cpus: 2, pidsLimit: 10 },
};

const linkBase = mkdtempSync(join(tmpdir(), 'tsbuild-links-'));
afterAll(() => rmSync(linkBase, { recursive: true, force: true }));
let runs = 0;

const tokens = (spec: SandboxSpec): string[] => {
  const inputs = { rootMountpoint: '/run/root', lowerLinkDir: join(linkBase, `l${runs++}`), etcMounts: [], cgroupProcs: ['/cg/cgroup.procs'] };
  return encodeHelperSpec(spec, inputs).toString('utf8').split('\0').slice(0, -1);
};

describe('encodeHelperSpec', () => {
  it('writes every field as NUL-terminated key/value tokens', () => {
    const links = join(linkBase, `l${runs}`);
    expect(tokens(base)).toEqual([
      'root', '/run/root', 'overlay', `lowerdir=${links}/0:${links}/1,upperdir=/u,workdir=/w,redirect_dir=off,metacopy=off,index=off${volatileOption()}`,
      'mount', 'tmpfs', 'tmpfs', '/tmp', '0', 'size=1m',
      'hostname', 'box', 'netns', 'no-new-privs', 'uid', '1000', 'gid', '1001', 'group', '10', 'group', '20', 'cwd', '/src',
      'env', 'PATH=/bin', 'arg', '/bin/sh', 'arg', '-c', 'arg', 'echo hi', 'cgroup', '/cg/cgroup.procs',
    ]);
  });

  it('reaches each lowerdir through a short symlink, top-most first', () => {
    tokens(base);
    const links = join(linkBase, `l${runs - 1}`);
    expect([readlinkSync(join(links, '0')), readlinkSync(join(links, '1'))]).toEqual(['/l/top', '/l/base']);
  });

  it.each([
    ['a NUL byte in an argument', { args: ['a\0b'] }],
    ['a comma in the upper dir path', { rootfs: { kind: 'overlay', lowerdirs: ['/a'], upperdir: '/u,x', workdir: '/w' } }],
    ['too many layers for one mount page', { rootfs: { kind: 'overlay', lowerdirs: Array(200).fill('/l'), upperdir: '/u', workdir: '/w' } }],
    ['no lower layer', { rootfs: { kind: 'overlay', lowerdirs: [], upperdir: '/u', workdir: '/w' } }],
    ['a relative mount target', { mounts: [{ type: 'tmpfs', target: 'tmp' }] }],
    ['a bind mount without source', { mounts: [{ type: 'bind', target: '/x' }] }],
    ['a negative uid', { user: { uid: -1, gid: 0 } }],
  ] as [string, Partial<SandboxSpec>][])('rejects %s with SANDBOX', (_what, over) => {
    expect(() => tokens({ ...base, ...over })).toThrow(expect.objectContaining({ code: 'SANDBOX' }));
  });
});

describe('encodeHelperSpec mounts and devices', () => {
  it('names a bind source inside its root with bind-in, and asks to drop CAP_MKNOD without a devices cgroup', () => {
    const spec = { ...base, mounts: [{ type: 'bind' as const, sourceRoot: '/stage', source: 'hostroot', target: '/h', readonly: true }] };
    const encoded = encodeHelperSpec(spec, { rootMountpoint: '/r', lowerLinkDir: join(linkBase, `l${runs++}`), etcMounts: [], cgroupProcs: [], dropMknod: true })
      .toString('utf8').split('\0');
    expect(encoded.slice(4, 10)).toEqual(['bind-in', '/stage', 'hostroot', '/h', '1', 'hostname']);
    expect(encoded).toContain('no-mknod');
  });

  it('asks for a terminal with its size and control fd only for stdio tty', () => {
    const encode = (spec: SandboxSpec): string[] => encodeHelperSpec(spec, {
      rootMountpoint: '/r', lowerLinkDir: join(linkBase, `l${runs++}`), etcMounts: [], cgroupProcs: [], terminalSize: { rows: 30, cols: 100 },
    }).toString('utf8').split('\0');
    const encoded = encode({ ...base, stdio: 'tty' });
    expect(encoded.slice(encoded.indexOf('tty'), encoded.indexOf('tty') + 4)).toEqual(['tty', '30', '100', '5']);
    expect(encode({ ...base, stdio: 'inherit' })).not.toContain('tty');
  });
});

describe('ociConfig terminal', () => {
  it('sets process.terminal and the console size for stdio tty only', () => {
    expect(ociConfig({ ...base, stdio: 'tty' }, '/r', [], '/x', undefined, { rows: 30, cols: 100 }).process)
      .toMatchObject({ terminal: true, consoleSize: { height: 30, width: 100 } });
    expect(ociConfig(base, '/r', [], '/x').process).toMatchObject({ terminal: false });
  });
});

describe('ociConfig', () => {
  const config = ociConfig(base, '/run/root', [{ type: 'bind', source: '/run/etc/hosts', target: '/etc/hosts', readonly: true }], '/tsbuild/x');

  it('maps process, user and capabilities', () => {
    expect(config.process).toMatchObject({
      args: base.args, env: base.env, cwd: '/src', noNewPrivileges: true,
      user: { uid: 1000, gid: 1001, additionalGids: [10, 20] },
      capabilities: { bounding: [...DEFAULT_CAPABILITIES], effective: [...DEFAULT_CAPABILITIES] },
    });
    expect(config.root).toEqual({ path: '/run/root', readonly: false });
    expect(config.hostname).toBe('box');
  });

  it('adds a network namespace for network none and the resource limits', () => {
    expect(config.linux['namespaces']).toEqual(['pid', 'ipc', 'uts', 'mount', 'cgroup', 'network'].map((type) => ({ type })));
    expect(config.linux['resources']).toMatchObject({
      memory: { limit: 1 << 20, swap: 1 << 20 }, cpu: { quota: 200_000, period: 100_000 }, pids: { limit: 10 },
    });
    expect(config.linux['cgroupsPath']).toBe('/tsbuild/x');
  });

  it('denies every device but Docker\'s allow-list', () => {
    const devices = (config.linux['resources'] as { devices: Record<string, unknown>[] }).devices;
    expect(devices[0]).toEqual({ allow: false, access: 'rwm' });
    expect(devices).toContainEqual({ allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' });
    expect(devices).toContainEqual({ allow: true, type: 'b', access: 'm' });
    expect(devices.filter((d) => d['type'] === 'b' && d['access'] !== 'm')).toEqual([]);
  });

  it('mounts /proc, /dev, /sys and /sys/fs/cgroup read-only, then the spec mounts and the /etc files', () => {
    expect(config.mounts.map((m) => m.destination)).toEqual(
      ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup', '/tmp', '/etc/hosts'],
    );
    expect(config.mounts.find((m) => m.destination === '/sys')?.options).toContain('ro');
    expect(config.mounts.find((m) => m.destination === '/sys/fs/cgroup')).toMatchObject({ type: 'cgroup', options: expect.arrayContaining(['ro']) });
    expect(config.linux['readonlyPaths']).toContain('/sys/fs/cgroup');
    expect(config.mounts.at(-1)).toEqual({ destination: '/etc/hosts', type: 'bind', source: '/run/etc/hosts', options: ['rbind', 'ro', 'nodev'] });
  });
});

describe('volatileOption', () => {
  it.each([['6.18.44-fc', ',volatile'], ['5.10.0', ',volatile'], ['5.4.0-150-generic', ''], ['4.19.0', '']])('%s -> "%s"', (release, option) => {
    expect(volatileOption(release)).toBe(option);
  });
});

// Table tests of the pure parts of `tsbuild run`: sizes, -v/--tmpfs specs, /etc files, paths in a rootfs.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { containerEtcFiles, defaultHostname, isValidHostname, newContainerId } from '../../src/container/etc-files.js';
import { checkDistinctTargets, parseTmpfsFlag, parseVolumeFlag } from '../../src/container/mount-specs.js';
import { resolveInRoot } from '../../src/container/path-in-root.js';
import { parseRunRequest } from '../../src/container/run-request.js';
import { parseCpus, parseMemorySize, parsePidsLimit } from '../../src/container/sizes.js';

const MiB = 1024 * 1024;

describe('sizes', () => {
  it.each([
    ['512m', 512 * MiB], ['512M', 512 * MiB], ['1g', 1024 * MiB], ['1.5g', 1536 * MiB], ['64MiB', 64 * MiB],
    ['100mb', 100 * MiB], ['8192k', 8 * MiB], ['7340032', 7 * MiB], ['7340032b', 7 * MiB], ['1t', 1024 ** 4],
  ])('--memory %s = %d bytes', (text, bytes) => {
    expect(parseMemorySize(text)).toBe(bytes);
  });

  it.each(['', 'abc', '12x', '-1g', '1.g', 'm'])('--memory %j is invalid', (text) => {
    expect(() => parseMemorySize(text)).toThrow(/invalid memory size/);
  });

  it('--memory below 6m is refused like Docker', () => {
    expect(() => parseMemorySize('4m')).toThrow(/minimum is 6m/);
  });

  it.each([['1.5', 1.5], ['2', 2], ['0.01', 0.01], ['.5', 0.5]])('--cpus %s', (text, cpus) => {
    expect(parseCpus(text, 4)).toBe(cpus);
  });

  it.each([['0', /out of range/], ['4.5', /only 4 CPUs/], ['x', /invalid CPU count/], ['1e3', /invalid CPU count/]])('--cpus %s fails', (text, error) => {
    expect(() => parseCpus(text, 4)).toThrow(error);
  });

  it.each([['100', 100], ['0', undefined], ['-1', undefined]])('--pids-limit %s', (text, limit) => {
    expect(parsePidsLimit(text)).toBe(limit);
  });

  it('--pids-limit must be an integer', () => {
    expect(() => parsePidsLimit('1.5')).toThrow(/expected an integer/);
  });
});

describe('-v and --tmpfs', () => {
  it.each([
    ['/host:/ctr', { kind: 'bind', source: '/host', target: '/ctr', readonly: false }],
    ['/host/:/ctr/sub/:ro', { kind: 'bind', source: '/host/', target: '/ctr/sub', readonly: true }],
    ['/host:/ctr:rw', { kind: 'bind', source: '/host', target: '/ctr', readonly: false }],
    ['/data', { kind: 'anonymous', target: '/data', readonly: false }],
    ['/a/../b', { kind: 'anonymous', target: '/b', readonly: false }],
  ])('-v %s', (text, spec) => {
    expect(parseVolumeFlag(text)).toEqual(spec);
  });

  it.each([
    ['named:/ctr', /named volumes are not supported/],
    ['./rel:/ctr', /must be an absolute host path/],
    ['/host:ctr', /container path "ctr" must be absolute/],
    ['/host:/', /cannot be "\/"/],
    ['/host:/ctr:z', /mode "z" is not supported/],
    ['/host:/ctr:ro,rw', /both ro and rw/],
    ['/a:/b:ro:x', /expected HOST:CONTAINER/],
    ['/host::ro', /expected HOST:CONTAINER/],
    ['/data:ro', /container path "ro" must be absolute/],
  ])('-v %s is refused', (text, error) => {
    expect(() => parseVolumeFlag(text)).toThrow(error);
  });

  it.each([
    ['/run', { target: '/run', readonly: false, options: [] }],
    ['/run:size=64m,mode=1777', { target: '/run', readonly: false, options: ['size=64m', 'mode=1777'] }],
    ['/cache/:ro,nosuid,nodev,uid=1000', { target: '/cache', readonly: true, options: ['uid=1000'] }],
  ])('--tmpfs %s', (text, spec) => {
    expect(parseTmpfsFlag(text)).toEqual(spec);
  });

  it.each([['/run:noexec', /option "noexec" is not supported/], ['run', /must be absolute/], ['/x:size', /option "size"/]])(
    '--tmpfs %s is refused', (text, error) => {
      expect(() => parseTmpfsFlag(text)).toThrow(error);
    });

  it('refuses two mounts at one path', () => {
    expect(() => checkDistinctTargets(['/a', '/b', '/a'])).toThrow(/duplicate mount point: \/a/);
    expect(() => checkDistinctTargets(['/a', '/a/b'])).not.toThrow();
  });
});

describe('/etc files and host names', () => {
  it('with host networking: the host files, plus the container hostname', () => {
    const files = containerEtcFiles({ hostname: 'c0ffee', network: 'host', hostHosts: '127.0.0.1 localhost\n10.0.0.2 db\n\n', hostResolvConf: 'nameserver 10.0.0.1\n' });
    expect(files).toEqual({ hosts: '127.0.0.1 localhost\n10.0.0.2 db\n127.0.1.1\tc0ffee\n', resolvConf: 'nameserver 10.0.0.1\n', hostname: 'c0ffee\n' });
  });

  it('with no network: Docker\'s localhost block and no name servers', () => {
    const files = containerEtcFiles({ hostname: 'box', network: 'none', hostHosts: '10.0.0.2 db\n', hostResolvConf: 'nameserver 10.0.0.1\n' });
    expect(files.hosts).toBe('127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n'
      + 'ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n127.0.1.1\tbox\n');
    expect(files.resolvConf).toBe('');
  });

  it('container IDs are 64 hex digits and the default hostname is their first 12', () => {
    const id = newContainerId();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(newContainerId()).not.toBe(id);
    expect(defaultHostname(id)).toBe(id.slice(0, 12));
  });

  it.each([['web-1', true], ['a.b.c', true], ['-x', false], ['x_y', false], ['', false], ['a'.repeat(64), false]])(
    'hostname %j valid: %s', (name, valid) => {
      expect(isValidHostname(name)).toBe(valid);
    });
});

describe('run request validation', () => {
  it.each([
    [{ workdir: 'rel' }, /needs to be an absolute path/],
    [{ network: 'overlay' as 'host' }, /network "overlay" is not supported/],
    [{ pull: 'sometimes' as 'never' }, /invalid pull policy/],
    [{ hostname: 'bad_name' }, /invalid hostname/],
    [{ envFiles: ['/nonexistent/env'] }, /cannot read env file/],
    [{ memory: '1q' }, /invalid memory size/],
  ])('refuses %j', (options, error) => {
    expect(() => parseRunRequest({ image: 'busybox', ...options })).toThrow(error);
  });

  it('maps -i to shared stdio, -t to a tty and pipes otherwise', () => {
    expect(parseRunRequest({ image: 'x' }).stdio).toBe('pipe');
    expect(parseRunRequest({ image: 'x', interactive: true }).stdio).toBe('inherit');
    expect(parseRunRequest({ image: 'x', interactive: true, tty: true }).stdio).toBe('tty');
  });

  it('puts env-file entries before -e entries and reads bare names from hostEnv', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsbuild-run-env-'));
    try {
      writeFileSync(join(dir, 'a.env'), 'A=file\nFROMHOST\n');
      const request = parseRunRequest({ image: 'x', envFiles: [join(dir, 'a.env')], env: ['A=flag', 'B'], hostEnv: { FROMHOST: 'h', B: 'b' } });
      expect(request.userEnv).toEqual(['A=file', 'FROMHOST=h', 'A=flag', 'B=b']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('resolveInRoot', () => {
  const root = mkdtempSync(join(tmpdir(), 'tsbuild-run-root-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'real/sub'), { recursive: true });
  mkdirSync(join(root, 'etc'));
  symlinkSync('/real', join(root, 'abs'));
  symlinkSync('real/sub', join(root, 'rel'));
  symlinkSync('../../../../etc', join(root, 'escape'));
  symlinkSync('loop', join(root, 'loop'));

  it.each([
    ['/real/sub', 'real/sub'],
    ['/abs/sub', 'real/sub'],
    ['/rel', 'real/sub'],
    ['/rel/../..', ''],
    ['/escape', 'etc'],
  ])('%s -> <root>/%s, never outside the root', (path, inside) => {
    expect(resolveInRoot(root, path)).toBe(join(root, inside));
  });

  it('is undefined for missing paths and symlink loops', () => {
    expect(resolveInRoot(root, '/real/missing')).toBeUndefined();
    expect(resolveInRoot(root, '/loop/x')).toBeUndefined();
  });
});

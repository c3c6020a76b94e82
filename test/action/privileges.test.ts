// How the action elevates: directly as root, through passwordless sudo, or a clear failure.
import { describe, expect, it } from 'vitest';
import { chooseElevation, cliCommand } from '../../src/action/privileges.js';

const never = () => {
  throw new Error('sudo must not be probed as root');
};

describe('chooseElevation', () => {
  const linux = (uid: number, sudoWorks: () => boolean, rootless: 'auto' | 'true' | 'false' = 'auto') =>
    chooseElevation({ platform: 'linux', uid, sudoWorks, rootless });

  it('runs directly as root without probing sudo, whatever the rootless input says', () => {
    for (const rootless of ['auto', 'true', 'false'] as const) expect(linux(0, never, rootless)).toEqual({ kind: 'direct' });
  });

  it('uses sudo when not root and passwordless sudo works (auto and false)', () => {
    expect(linux(1001, () => true)).toEqual({ kind: 'sudo' });
    expect(linux(1001, () => true, 'false')).toEqual({ kind: 'sudo' });
  });

  it('builds rootless as the runner user when sudo does not work (auto), or without asking (true)', () => {
    expect(linux(1001, () => false)).toEqual({ kind: 'direct' });
    expect(linux(1001, never, 'true')).toEqual({ kind: 'direct' });
  });

  it('with rootless false, fails naming what is needed when neither root nor sudo is available', () => {
    expect(() => linux(1001, () => false, 'false')).toThrow(/"rootless: false" .* uid 1001 .*passwordless sudo.*rootless: auto/);
  });

  it('fails on a runner that is not Linux', () => {
    expect(() => chooseElevation({ platform: 'darwin', uid: 501, sudoWorks: never, rootless: 'auto' })).toThrow(/Linux runners only .*darwin/);
  });
});

describe('cliCommand', () => {
  const run = { node: '/opt/node', cli: '/a/dist/cli.js', argv: ['build', '.'] };

  it('spawns node directly as root', () => {
    expect(cliCommand({ kind: 'direct' }, { ...run, env: {} })).toEqual({ command: '/opt/node', args: ['--', '/a/dist/cli.js', 'build', '.'] });
  });

  it('pins PATH, the store and the runner user docker config under sudo', () => {
    const env = { PATH: '/tools:/usr/bin', HOME: '/home/runner' };
    expect(cliCommand({ kind: 'sudo' }, { ...run, env })).toEqual({
      command: 'sudo',
      args: ['-n', '-E', '--', 'env', 'PATH=/tools:/usr/bin', 'TSBUILD_ROOT=/var/lib/tsbuild',
        'DOCKER_CONFIG=/home/runner/.docker', '/opt/node', '--', '/a/dist/cli.js', 'build', '.'],
    });
  });

  it('keeps an explicit TSBUILD_ROOT and DOCKER_CONFIG under sudo', () => {
    const env = { PATH: '/usr/bin', TSBUILD_ROOT: '/mnt/store', DOCKER_CONFIG: '/cfg' };
    const { args } = cliCommand({ kind: 'sudo' }, { ...run, env });
    expect(args).toContain('TSBUILD_ROOT=/mnt/store');
    expect(args).toContain('DOCKER_CONFIG=/cfg');
  });
});

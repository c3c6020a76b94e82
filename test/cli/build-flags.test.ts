import { describe, expect, it } from 'vitest';
import {
  parseCsvFields,
  parseKeyValueFlags,
  parseOutputFlag,
  parseSecretFlag,
  parseSshFlag,
} from '../../src/cli/build-flags.js';

describe('--output', () => {
  it.each([
    ['type=oci,dest=out.tar', { type: 'oci', dest: 'out.tar', tar: true }],
    ['type=oci,dest=dir,tar=false', { type: 'oci', dest: 'dir', tar: false }],
    ['type=docker,dest=x.tar', { type: 'docker', dest: 'x.tar' }],
    ['type=local,dest=rootfs', { type: 'local', dest: 'rootfs' }],
    ['type=tar,dest=fs.tar', { type: 'tar', dest: 'fs.tar' }],
    ['type=image,push=true', { type: 'image', push: true }],
    ['type=registry', { type: 'image', push: true }],
    ['type=image,name=a/b:1,compression=uncompressed', { type: 'image', push: false, names: ['a/b:1'], compression: 'uncompressed' }],
    ['./out', { type: 'local', dest: './out' }],
    ['-', { type: 'tar', dest: '-' }],
  ])('%s', (flag, expected) => {
    expect(parseOutputFlag(flag)).toMatchObject(expected);
  });

  it.each([
    ['type=oci', /needs dest=PATH/],
    ['type=bogus,dest=x', /unknown type "bogus"/],
    ['dest=x', /missing type=/],
    ['type=oci,dest=x,compression=zstd', /compression "zstd" is not supported/],
    ['type=image,push=maybe', /invalid boolean "maybe"/],
  ])('rejects %s', (flag, message) => {
    expect(() => parseOutputFlag(flag)).toThrow(message);
  });
});

describe('--secret and --ssh', () => {
  it('reads src, env and the env fallback', () => {
    expect(parseSecretFlag('id=npm,src=/tmp/npmrc')).toEqual({ id: 'npm', src: '/tmp/npmrc' });
    expect(parseSecretFlag('id=tok,env=GITHUB_TOKEN')).toEqual({ id: 'tok', env: 'GITHUB_TOKEN' });
    expect(parseSecretFlag('id=TOKEN')).toEqual({ id: 'TOKEN', env: 'TOKEN' });
    expect(() => parseSecretFlag('src=/x')).toThrow(/id= is required/);
  });

  it('takes the socket from SSH_AUTH_SOCK for `default`', () => {
    process.env.SSH_AUTH_SOCK = '/tmp/agent.sock';
    expect(parseSshFlag('default')).toEqual({ id: 'default', socket: '/tmp/agent.sock' });
    expect(parseSshFlag('gh=/run/gh.sock')).toEqual({ id: 'gh', socket: '/run/gh.sock' });
  });
});

describe('key=value flags', () => {
  it('parses quoted csv fields', () => {
    expect(parseCsvFields('a=1,"b=x,y",C=')).toEqual({ a: '1', b: 'x,y', c: '' });
  });

  it('takes bare build args from the environment like docker', () => {
    expect(parseKeyValueFlags(['A=1', 'B', 'MISSING', 'C=x=y'], { B: 'from-env' })).toEqual({
      A: '1',
      B: 'from-env',
      C: 'x=y',
    });
  });
});

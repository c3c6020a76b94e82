import { describe, expect, it } from 'vitest';
import {
  parseAttestFlags,
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

describe('parseAttestFlags (--attest, --provenance, --sbom as buildx reads them)', () => {
  it('a boolean shorthand turns its type on (mode=min, SLSA v1) or off; attributes pass through', () => {
    expect(parseAttestFlags([], 'true')).toEqual([{ type: 'provenance', mode: 'min', version: 'v1' }]);
    expect(parseAttestFlags([], 'mode=max,version=v0.2,builder-id=https://ci/run/1')).toEqual([
      { type: 'provenance', mode: 'max', version: 'v0.2', builderId: 'https://ci/run/1' },
    ]);
    expect(parseAttestFlags([], 'false', '0')).toBeUndefined();
    expect(parseAttestFlags(['type=sbom', 'type=provenance,mode=max'], undefined, 'false')).toEqual([{ type: 'provenance', mode: 'max', version: 'v1' }]);
    expect(parseAttestFlags(['type=provenance,disabled=true'])).toBeUndefined();
  });

  it.each([
    [['type=provenance,mode=full-ish'], /mode must be min or max/],
    [['type=provenance,version=v2'], /version must be v1 or v0.2/],
    [['type=vex'], /unknown type "vex"/],
    [['mode=max'], /missing type=/],
    [['type=sbom,generator=docker/scout-sbom-indexer:1'], /generator= is not supported/],
    [['type=provenance,colour=blue'], /unknown attribute "colour"/],
  ])('refuses %j clearly', (attest, message) => {
    expect(() => parseAttestFlags(attest)).toThrow(message);
  });
});

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseChallenge, repositoryScope } from '../../src/registry/auth.js';
import { credentialKey, eraseCredentials, findCredentials, storeCredentials } from '../../src/registry/credentials.js';
import { endpointsFor, isLoopbackHost } from '../../src/registry/endpoints.js';

describe('endpoints', () => {
  afterEach(() => {
    delete process.env['TSBUILD_INSECURE_REGISTRIES'];
  });

  it.each([
    ['localhost', true], ['localhost:5000', true], ['127.0.0.1:5000', true], ['127.1.2.3', true],
    ['[::1]:5000', true], ['[::1]', true], ['example.com', false], ['10.0.0.1:5000', false], ['localhost.example.com', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it('uses https except for loopback and insecure registries', () => {
    expect(endpointsFor('ghcr.io').map((e) => e.baseUrl)).toEqual(['https://ghcr.io']);
    expect(endpointsFor('localhost:5000').map((e) => e.baseUrl)).toEqual(['http://localhost:5000']);
    expect(endpointsFor('reg.lan:5000', { insecureRegistries: ['reg.lan:5000'] })[0]?.baseUrl).toBe('http://reg.lan:5000');
    expect(endpointsFor('reg.lan:5000', { insecureRegistries: ['reg.lan'] })[0]?.baseUrl).toBe('http://reg.lan:5000');
    process.env['TSBUILD_INSECURE_REGISTRIES'] = 'a.lan, b.lan:443';
    expect(endpointsFor('b.lan:443')[0]?.baseUrl).toBe('http://b.lan:443');
    expect(endpointsFor('c.lan')[0]?.baseUrl).toBe('https://c.lan');
  });

  it('reaches docker.io through its API host, after any mirrors', () => {
    expect(endpointsFor('docker.io', { registryMirrors: ['https://mirror.example/', 'http://127.0.0.1:5001'] })).toEqual([
      { registry: 'mirror.example', baseUrl: 'https://mirror.example', isMirror: true },
      { registry: '127.0.0.1:5001', baseUrl: 'http://127.0.0.1:5001', isMirror: true },
      { registry: 'docker.io', baseUrl: 'https://registry-1.docker.io', isMirror: false },
    ]);
    expect(endpointsFor('quay.io', { registryMirrors: ['https://mirror.example'] })).toHaveLength(1);
  });
});

describe('WWW-Authenticate challenges', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
    ],
    ['Basic realm="Registry Realm"', { scheme: 'basic', params: { realm: 'Registry Realm' } }],
    ['bearer realm=https://x/token, service=reg', { scheme: 'bearer', params: { realm: 'https://x/token', service: 'reg' } }],
    ['Bearer realm="a\\"b"', { scheme: 'bearer', params: { realm: 'a"b' } }],
  ])('%s', (header, expected) => {
    expect(parseChallenge(header)).toEqual(expected);
  });

  it('ignores schemes it cannot answer', () => {
    expect(parseChallenge('Negotiate abc')).toBeUndefined();
  });

  it('asks pull or pull,push scopes', () => {
    expect(repositoryScope('a/b', false)).toBe('repository:a/b:pull');
    expect(repositoryScope('a/b', true)).toBe('repository:a/b:pull,push');
  });
});

describe('docker config.json credentials', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'tsbuild-dockercfg-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const b64 = (text: string) => Buffer.from(text).toString('base64');

  it('finds entries under every key form Docker writes', async () => {
    const path = join(dir, 'forms.json');
    await writeFile(path, JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hub:secret:with:colons') },
        'https://registry.example.com/v1/': { auth: b64('ex:pw') },
        'quay.io': { username: 'q', password: 'p' },
        'ghcr.io': { auth: b64('g:x'), identitytoken: 'refresh-me' },
      },
    }));
    expect(await findCredentials('docker.io', path)).toEqual({ kind: 'basic', username: 'hub', password: 'secret:with:colons' });
    expect(await findCredentials('registry.example.com', path)).toEqual({ kind: 'basic', username: 'ex', password: 'pw' });
    expect(await findCredentials('quay.io', path)).toEqual({ kind: 'basic', username: 'q', password: 'p' });
    expect(await findCredentials('ghcr.io', path)).toEqual({ kind: 'identity-token', username: 'g', token: 'refresh-me' });
    expect(await findCredentials('nowhere.example', path)).toBeUndefined();
    expect(await findCredentials('docker.io', join(dir, 'missing.json'))).toBeUndefined();
  });

  it('writes and erases entries like docker login/logout, keeping other settings', async () => {
    const path = join(dir, 'sub', 'config.json');
    await storeCredentials('docker.io', 'me', 'pw', path);
    await storeCredentials('localhost:5000', 'you', 'pw2', path);
    const saved = JSON.parse(await readFile(path, 'utf8')) as { auths: Record<string, { auth: string }> };
    expect(Object.keys(saved.auths)).toEqual([credentialKey('docker.io'), 'localhost:5000']);
    expect(saved.auths['https://index.docker.io/v1/']?.auth).toBe(b64('me:pw'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await eraseCredentials('docker.io', path)).toBe(true);
    expect(await eraseCredentials('docker.io', path)).toBe(false);
    expect(await findCredentials('localhost:5000', path)).toEqual({ kind: 'basic', username: 'you', password: 'pw2' });
  });

  it('reports a broken config file clearly', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{not json');
    await expect(findCredentials('docker.io', path)).rejects.toThrow(`${path}: not valid JSON`);
  });
});

import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { eraseCredentials, findCredentials, storeCredentials } from '../../src/registry/credentials.js';
import { RegistryError } from '../../src/registry/errors.js';
import { pullImage } from '../../src/registry/pull.js';
import { pushImage } from '../../src/registry/push.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';
import { TEST_REFRESH_TOKEN } from '../helpers/token-issuer.js';
import { runCli } from './cli-runner.js';
import { makeImage } from './fixtures.js';

let work: string;
let counter = 0;

async function freshRoot() {
  const store = await DiskContentStore.open(join(work, `root-${counter++}`));
  return { store, names: new ImageNames(store.layout) };
}

async function writeConfig(config: unknown): Promise<string> {
  const path = join(work, `docker-config-${counter++}.json`);
  await writeFile(path, JSON.stringify(config));
  return path;
}

function authsFor(registry: TestRegistry, password = registry.password) {
  return { auths: { [registry.host]: { auth: Buffer.from(`${registry.username}:${password}`).toString('base64') } } };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tsbuild-auth-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('basic auth (htpasswd)', () => {
  let registry: TestRegistry;
  beforeAll(async () => (registry = await startRegistry('htpasswd')));
  afterAll(() => registry?.stop());

  it('fails without credentials, naming the registry and the login command', async () => {
    const error = await pullImage(`${registry.host}/private/app:1`, { ...(await freshRoot()), dockerConfig: await writeConfig({}) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBe(401);
    expect((error as RegistryError).message).toContain(`run \`tsbuild login ${registry.host}\``);
  });

  it('rejects a wrong password the same way', async () => {
    const dockerConfig = await writeConfig(authsFor(registry, 'wrong'));
    await expect(pullImage(`${registry.host}/private/app:1`, { ...(await freshRoot()), dockerConfig })).rejects.toThrow(/authentication required.*tsbuild login/);
  });

  it('pushes and pulls with credentials from a docker config.json', async () => {
    const dockerConfig = await writeConfig(authsFor(registry));
    const src = await freshRoot();
    const image = await makeImage(src.store, [10_000, 20_000]);
    const name = `${registry.host}/private/app:1`;
    await src.names.set(name, image.descriptor);
    await pushImage(name, { ...src, dockerConfig });
    const pulled = await pullImage(name, { ...(await freshRoot()), dockerConfig });
    expect(pulled.descriptor.digest).toBe(image.descriptor.digest);
  });

  it('logs in and out through the CLI, writing Docker-format auths with mode 0600', async () => {
    const dir = join(work, 'cli-docker');
    const env = { DOCKER_CONFIG: dir, TSBUILD_ROOT: join(work, 'cli-root') };
    const bad = await runCli(['login', '-u', registry.username!, '--password-stdin', registry.host], env, 'nope\n');
    expect(bad).toMatchObject({ status: 1, stderr: `error: login to ${registry.host} failed: incorrect username or password\n` });
    const good = await runCli(['login', '-u', registry.username!, '--password-stdin', registry.host], env, `${registry.password}\n`);
    expect(good.stderr).toBe('');
    expect(good.stdout).toBe('Login Succeeded\n');
    const path = join(dir, 'config.json');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(path, 'utf8')) as { auths: Record<string, { auth: string }> };
    expect(Buffer.from(saved.auths[registry.host]!.auth, 'base64').toString()).toBe(`${registry.username}:${registry.password}`);
    expect(await findCredentials(registry.host, path)).toEqual({ kind: 'basic', username: registry.username, password: registry.password });

    const src = await DiskContentStore.open(env.TSBUILD_ROOT);
    const image = await makeImage(src, [4096]);
    const name = `${registry.host}/cli/pushed:1`;
    await new ImageNames(src.layout).set(name, image.descriptor);
    const push = await runCli(['push', name], env);
    expect(push).toMatchObject({ status: 0, stdout: `${image.descriptor.digest}\n` });
    const pull = await runCli(['pull', '-q', name], { ...env, TSBUILD_ROOT: join(work, 'cli-root-2') });
    expect(pull).toMatchObject({ status: 0, stdout: `${image.descriptor.digest}\n` });

    expect((await runCli(['logout', registry.host], env)).stdout).toBe(`Removing login credentials for ${registry.host}\n`);
    expect((JSON.parse(await readFile(path, 'utf8')) as { auths: object }).auths).toEqual({});
    const denied = await runCli(['pull', name], { ...env, TSBUILD_ROOT: join(work, 'cli-root-3') });
    expect(denied.status).toBe(1);
    expect(denied.stderr).toMatch(/authentication required.*tsbuild login/);
  });

  it('gets credentials from a credential helper (credHelpers)', async () => {
    const bin = join(work, 'bin');
    await mkdir(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-tsbuildtest');
    const secret = JSON.stringify({ ServerURL: registry.host, Username: registry.username, Secret: registry.password });
    await writeFile(helper, `#!/bin/sh\nread server\n[ "$1" = get ] && [ "$server" = "${registry.host}" ] && echo '${secret}' && exit 0\necho "credentials not found in native keychain"; exit 1\n`);
    await chmod(helper, 0o755);
    const dockerConfig = await writeConfig({ credHelpers: { [registry.host]: 'tsbuildtest' } });
    const previous = process.env['PATH'];
    process.env['PATH'] = `${bin}:${previous}`;
    try {
      const src = await freshRoot();
      const image = await makeImage(src.store, [999]);
      const name = `${registry.host}/helper/app:1`;
      await src.names.set(name, image.descriptor);
      await pushImage(name, { ...src, dockerConfig });
      expect(await findCredentials('other.example:5000', dockerConfig)).toBeUndefined();
    } finally {
      process.env['PATH'] = previous;
    }
  });
});

describe('credsStore: a credential helper for every registry', () => {
  it('stores on login, reads for requests and erases on logout through docker-credential-<name>', async () => {
    const bin = join(work, 'store-bin');
    await mkdir(bin, { recursive: true });
    const saved = join(bin, 'secrets.json');
    const helper = join(bin, 'docker-credential-tsbuildstore');
    await writeFile(helper, `#!${process.execPath}
const fs = require('node:fs');
let input = '';
process.stdin.on('data', (c) => (input += c)).on('end', () => {
  const all = fs.existsSync(${JSON.stringify(saved)}) ? JSON.parse(fs.readFileSync(${JSON.stringify(saved)}, 'utf8')) : {};
  const action = process.argv[2];
  if (action === 'store') { const e = JSON.parse(input); all[e.ServerURL] = e; }
  if (action === 'erase') delete all[input.trim()];
  if (action === 'get') {
    const e = all[input.trim()];
    if (!e) { process.stdout.write('credentials not found in native keychain'); process.exit(1); }
    process.stdout.write(JSON.stringify({ ServerURL: e.ServerURL, Username: e.Username, Secret: e.Secret }));
  }
  fs.writeFileSync(${JSON.stringify(saved)}, JSON.stringify(all));
});
`);
    await chmod(helper, 0o755);
    const dockerConfig = await writeConfig({ credsStore: 'tsbuildstore' });
    const previous = process.env['PATH'];
    process.env['PATH'] = `${bin}:${previous}`;
    try {
      expect(await findCredentials('registry.example:5000', dockerConfig)).toBeUndefined();
      await storeCredentials('registry.example:5000', 'alice', 's3cret', dockerConfig);
      expect(JSON.parse(await readFile(dockerConfig, 'utf8'))).toEqual({ credsStore: 'tsbuildstore', auths: { 'registry.example:5000': {} } });
      expect(await findCredentials('registry.example:5000', dockerConfig)).toEqual({ kind: 'basic', username: 'alice', password: 's3cret' });
      expect(await eraseCredentials('registry.example:5000', dockerConfig)).toBe(true);
      expect(await findCredentials('registry.example:5000', dockerConfig)).toBeUndefined();
    } finally {
      process.env['PATH'] = previous;
    }
  });
});

describe('token auth (Bearer, RS256 JWT from a test issuer)', () => {
  let registry: TestRegistry;
  beforeAll(async () => (registry = await startRegistry('token')));
  afterAll(() => registry?.stop());

  it('asks for push scope when pushing, pull scope when pulling, and reuses tokens', async () => {
    const dockerConfig = await writeConfig(authsFor(registry));
    const src = await freshRoot();
    const image = await makeImage(src.store, [1000, 2000, 3000]);
    const name = `${registry.host}/secure/app:1`;
    await src.names.set(name, image.descriptor);
    const issuer = registry.issuer!;
    await pushImage(name, { ...src, dockerConfig });
    expect(issuer.requests.map((r) => r.scopes)).toEqual([['repository:secure/app:pull,push']]);
    expect(issuer.requests[0]).toMatchObject({ service: 'tsbuild-test-registry', user: registry.username });
    issuer.requests.length = 0;
    const pulled = await pullImage(name, { ...(await freshRoot()), dockerConfig });
    expect(pulled.descriptor.digest).toBe(image.descriptor.digest);
    expect(issuer.requests.map((r) => r.scopes)).toEqual([['repository:secure/app:pull']]);
  });

  it('refuses anonymous pushes with the login hint', async () => {
    const src = await freshRoot();
    const image = await makeImage(src.store, [100]);
    const name = `${registry.host}/secure/anon:1`;
    await src.names.set(name, image.descriptor);
    await expect(pushImage(name, { ...src, dockerConfig: await writeConfig({}) })).rejects.toThrow(
      new RegExp(`${registry.host}: authentication required .*run \`tsbuild login ${registry.host}\``),
    );
  });

  it('verifies credentials on login against the token server', async () => {
    const env = { DOCKER_CONFIG: join(work, 'token-cli'), TSBUILD_ROOT: join(work, 'token-root') };
    const bad = await runCli(['login', '-u', registry.username!, '-p', 'wrong', registry.host], env);
    expect(bad).toMatchObject({ status: 1, stderr: expect.stringMatching(/login to .* failed: incorrect username or password/) });
    const good = await runCli(['login', '-u', registry.username!, '-p', registry.password!, `http://${registry.host}/`], env);
    expect(good.stdout).toBe('Login Succeeded\n');
  });

  it('exchanges an identity token (OAuth2 refresh token) from the docker config', async () => {
    const dockerConfig = await writeConfig({ auths: { [registry.host]: { auth: Buffer.from(`${registry.username}:`).toString('base64'), identitytoken: TEST_REFRESH_TOKEN } } });
    const src = await freshRoot();
    const image = await makeImage(src.store, [777]);
    const name = `${registry.host}/secure/oauth:1`;
    await src.names.set(name, image.descriptor);
    registry.issuer!.requests.length = 0;
    await pushImage(name, { ...src, dockerConfig });
    expect(registry.issuer!.requests).toEqual([{ service: 'tsbuild-test-registry', scopes: ['repository:secure/oauth:pull,push'], user: registry.username }]);
  });
});

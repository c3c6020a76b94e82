// The Node API as a user calls it: `import { ... } from 'tsbuild'`, one call per verb against the
// real engine (a busybox image, a real registry with basic auth, the sandbox), each with its own root.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  build, cacheDiskUsage, check, dockerKeychain, history, images, importImage, inspect, load, login, logout, plan, prune, pull,
  push, renderPlan, rmi, run, save, staticKeychain, tag, verifyStore, version, type Keychain, TsbuildError,
} from 'tsbuild';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';

let work: string;
let registry: TestRegistry;
let keychain: Keychain;
/** A Docker config with no credentials: the default keychain then has nothing to send. */
let emptyConfig: string;
const rootOf = (name: string) => join(work, 'roots', name);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tsbuild-api-test-'));
  await makeBusyboxRootfs(join(work, 'rootfs'));
  registry = await startRegistry('htpasswd');
  keychain = staticKeychain({ [registry.host]: { kind: 'basic', username: registry.username!, password: registry.password! } });
  emptyConfig = join(work, 'docker', 'config.json');
  mkdirSync(join(work, 'docker'));
  writeFileSync(emptyConfig, '{}\n');
});

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The rejection of `promise`, which must be a TsbuildError. */
async function failure(promise: Promise<unknown>): Promise<TsbuildError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TsbuildError);
  return error as TsbuildError;
}

describe('local image verbs', () => {
  it('importImage, images, tag, inspect, history, rmi work on the root they are given', async () => {
    const root = rootOf('local');
    const descriptor = await importImage(join(work, 'rootfs'), 'busybox', { root, changes: ['CMD ["sh"]'], message: 'from the API' });
    expect(descriptor.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await tag('busybox', 'example.test/api/busybox:1', { root })).toBe('example.test/api/busybox:1');
    const listed = await images({ root });
    expect(listed.map((i) => `${i.repository}:${i.tag}`).sort()).toEqual(['busybox:latest', 'example.test/api/busybox:1']);
    expect(listed.every((i) => i.digest === descriptor.digest && i.size > 0)).toBe(true);

    const inspected = await inspect('busybox', { root, platform: 'linux/amd64' });
    expect(inspected).toMatchObject({ name: 'docker.io/library/busybox:latest', digest: descriptor.digest });
    expect(inspected.config.config?.Cmd).toEqual(['sh']);
    const rows = await history('busybox', { root });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ comment: 'from the API' });
    expect(rows[0]!.size).toBe(inspected.manifest.layers[0]!.size);

    const removed: string[] = [];
    await rmi(['example.test/api/busybox:1'], { root, onRemoved: (r) => removed.push(r.name) });
    expect(removed).toEqual(['example.test/api/busybox:1']);
    expect((await images({ root })).map((i) => i.repository)).toEqual(['busybox']);
    // Another root is another store.
    expect(await images({ root: rootOf('empty') })).toEqual([]);
  });

  it('save and load carry images between roots; a bad save is refused without naming CLI flags', async () => {
    const root = rootOf('archive');
    await importImage(join(work, 'rootfs'), 'app:1', { root });
    const tar = join(work, 'app.tar');
    await save('app:1', { root, output: tar });
    const loaded = await load(tar, { root: rootOf('loaded') });
    expect(loaded.map((l) => l.name)).toEqual(['docker.io/library/app:1']);
    expect((await inspect('app:1', { root: rootOf('loaded') })).digest).toBe(loaded[0]!.descriptor.digest);

    const error = await failure(save('app:1', { root, format: 'oci-dir', output: process.stdout }));
    expect(error.code).toBe('USAGE');
    expect(error.message).not.toMatch(/--|-o\b/);
  });
});

describe('registry verbs and the keychain', () => {
  it('push and pull use the keychain they are given, and fail without credentials', async () => {
    const root = rootOf('push');
    const name = `${registry.host}/api/busybox:1`;
    await importImage(join(work, 'rootfs'), name, { root });
    const refused = await failure(push(name, { root, registry: { dockerConfig: emptyConfig } }));
    expect(refused.code).toBe('REGISTRY');

    const pushed = await push(name, { root, registry: { keychain } });
    expect(pushed.descriptor.digest).toMatch(/^sha256:/);
    const pulled = await pull(name, { root: rootOf('pull'), registry: { keychain }, platform: 'linux/amd64' });
    expect(pulled).toMatchObject({ name, descriptor: { digest: pushed.descriptor.digest } });
    expect((await images({ root: rootOf('pull') })).map((i) => i.name)).toEqual([name]);
    expect((await failure(pull(name, { root: rootOf('anonymous'), registry: { dockerConfig: emptyConfig } }))).code).toBe('REGISTRY');
  });

  it('a keychain is asked for the registry host', async () => {
    const asked: string[] = [];
    const recording: Keychain = { resolve: (host) => (asked.push(host), keychain.resolve(host)) };
    await importImage(join(work, 'rootfs'), `${registry.host}/api/asked:1`, { root: rootOf('asked') });
    await push(`${registry.host}/api/asked:1`, { root: rootOf('asked'), registry: { keychain: recording } });
    expect(new Set(asked)).toEqual(new Set([registry.host]));
  });

  it('login checks and saves credentials in the Docker config the default keychain reads; logout forgets them', async () => {
    const config = join(work, 'login', 'config.json');
    const wrong = await failure(login({ server: registry.host, username: registry.username!, password: 'wrong', registry: { dockerConfig: config } }));
    expect(wrong.code).toBe('REGISTRY');
    expect(wrong.message).toMatch(/incorrect username or password/);
    expect(await login({ server: `http://${registry.host}/v2/`, username: registry.username!, password: registry.password!, registry: { dockerConfig: config } }))
      .toBe(registry.host);
    expect(await dockerKeychain(config).resolve(registry.host)).toEqual({ kind: 'basic', username: registry.username, password: registry.password });
    await importImage(join(work, 'rootfs'), `${registry.host}/api/login:1`, { root: rootOf('login') });
    await push(`${registry.host}/api/login:1`, { root: rootOf('login'), registry: { dockerConfig: config } });

    expect(await logout({ server: registry.host, registry: { dockerConfig: config } })).toEqual({ host: registry.host, removed: true });
    expect(await dockerKeychain(config).resolve(registry.host)).toBeUndefined();
    expect(await logout({ server: registry.host, registry: { dockerConfig: config } })).toEqual({ host: registry.host, removed: false });
    const missing = await failure(login({ server: registry.host, username: registry.username!, password: '' }));
    expect(missing.message).not.toMatch(/--/);
  });
});

describe('Dockerfile verbs', () => {
  let context: string;
  beforeAll(async () => {
    context = join(work, 'context');
    mkdirSync(context);
    const base = `${registry.host}/api/base:1`;
    await importImage(join(work, 'rootfs'), base, { root: rootOf('base') });
    await push(base, { root: rootOf('base'), registry: { keychain } });
    writeFileSync(join(context, 'Dockerfile'), `FROM ${base}\nRUN echo built by the API > /hello\nCMD ["cat", "/hello"]\n`);
  });

  it('plan and check read the Dockerfile themselves', async () => {
    const planned = await plan({ context, platforms: ['linux/amd64'] });
    expect(planned.plan.platforms).toEqual(['linux/amd64']);
    expect(Object.values(planned.plan.steps).some((step) => JSON.stringify(step).includes('built by the API'))).toBe(true);
    expect(renderPlan(planned, 'json')).toContain('"platforms"');
    const report = await check({ context });
    expect(report.failed).toBe(false);
    expect(report.lines).toEqual(report.findings.map(() => expect.stringContaining('Dockerfile:')));
    const strict = { context, dockerfileContents: '# check=error=true\nFROM busybox as base\n' };
    expect(await check(strict)).toMatchObject({ failed: true, lines: [expect.stringMatching(/FromAsCasing/)] });
    expect((await failure(check({ ...strict, throwOnError: true }))).code).toBe('CHECK_FAILED');
    const missing = await failure(plan({ context: join(work, 'nowhere') }));
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('build pulls its base through the keychain, then run, cacheDiskUsage, prune and verifyStore work on that root', async () => {
    const root = rootOf('build');
    const anonymous = await failure(build({ context, root, tags: ['hello:1'], registry: { dockerConfig: emptyConfig } }));
    expect(anonymous.message).toMatch(/401|unauthorized|authentication/i);

    const result = await build({ context, root, tags: ['hello:1'], registry: { keychain } });
    expect(result.tags).toEqual(['docker.io/library/hello:1']);
    let stdout = '';
    const ran = await run({ root, image: 'hello:1', rm: true, onStdout: (chunk) => (stdout += chunk.toString()) });
    expect(ran.exitCode).toBe(0);
    expect(stdout).toBe('built by the API\n');

    const usage = await cacheDiskUsage({ root });
    expect(usage.images.blobs).toBeGreaterThan(0);
    expect(usage.buildCache.records).toBeGreaterThan(0);
    // What a build made this minute is within prune's grace (a concurrent build may be using it).
    expect(await prune({ root, all: true, keepStorage: '1GB' })).toEqual({ records: 0, blobs: 0, snapshots: 0, bytes: 0 });
    expect((await cacheDiskUsage({ root })).buildCache.records).toBe(usage.buildCache.records);
    expect((await failure(prune({ root, keepStorage: 'lots' }))).code).toBe('USAGE');
    const verified = await verifyStore({ root });
    expect(verified.problems).toEqual([]);
    expect(verified.root).toBe(root);
  });
});

describe('build and the registries it talks to', () => {
  it('pushes its image and exports its cache with the keychain it is given', async () => {
    const context = join(work, 'push-context');
    mkdirSync(context);
    const base = `${registry.host}/api/pushbase:1`;
    await importImage(join(work, 'rootfs'), base, { root: rootOf('pushbase') });
    await push(base, { root: rootOf('pushbase'), registry: { keychain } });
    writeFileSync(join(context, 'Dockerfile'), `FROM ${base}\nRUN echo pushed > /pushed\n`);
    const name = `${registry.host}/api/pushed:1`;
    const result = await build({
      context, root: rootOf('pushing'), tags: [name], outputs: [{ type: 'image', push: true }],
      cacheTo: [{ location: { type: 'registry', ref: `${registry.host}/api/cache:1` }, mode: 'max' }], registry: { keychain },
    });
    const pulled = await pull(name, { root: rootOf('pushed'), registry: { keychain } });
    expect(pulled.descriptor.digest).toBe(result.digest);
    const auth = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`;
    const cache = await fetch(`${registry.url}/v2/api/cache/manifests/1`, { headers: { authorization: auth, accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(cache.status).toBe(200);
  });
});

describe('version', () => {
  it("is the package's", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version()).toEqual({ tsbuild: pkg.version, node: process.version });
  });
});

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DigestMismatchError } from '../../src/oci/digest.js';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { RegistryClient } from '../../src/registry/client.js';
import { RegistryError } from '../../src/registry/errors.js';
import { pullImage } from '../../src/registry/pull.js';
import { pushImage } from '../../src/registry/push.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';
import { makeImage, type TestImage } from './fixtures.js';

let registry: TestRegistry;
let proxy: FaultProxy;
let work: string;
let image: TestImage;
let counter = 0;
const retry = { retryBaseMs: 20 };

async function freshRoot() {
  const store = await DiskContentStore.open(join(work, `root-${counter++}`));
  return { store, names: new ImageNames(store.layout) };
}

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy(registry.host);
  work = await mkdtemp(join(tmpdir(), 'tsbuild-faults-'));
  const src = await freshRoot();
  image = await makeImage(src.store, [300_000, 2_000_000]);
  await src.names.set(`${registry.host}/faults/app:1`, image.descriptor);
  await pushImage(`${registry.host}/faults/app:1`, src);
});

afterEach(() => proxy.clearFaults());

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

const bigLayer = () => image.manifest.layers[1]!;
const name = () => `${proxy.host}/faults/app:1`;

describe('pull through injected faults', () => {
  it.each([
    ['500', { kind: 'status', status: 500 }],
    ['503', { kind: 'status', status: 503 }],
    ['429 with Retry-After', { kind: 'status', status: 429, retryAfter: 0 }],
    ['dropped connections', { kind: 'drop' }],
  ] as const)('retries manifests and blobs after %s', async (_label, action) => {
    proxy.addFault({ path: /\/manifests\//, action, times: 2 });
    proxy.addFault({ path: /\/blobs\/sha256:/, action, times: 2 });
    const root = await freshRoot();
    const pulled = await pullImage(name(), { ...root, ...retry });
    expect(pulled.descriptor.digest).toBe(image.descriptor.digest);
    expect(await root.store.has(bigLayer().digest)).toBe(true);
    expect(proxy.log.filter((entry) => entry.faulted === action.kind).length).toBeGreaterThanOrEqual(4);
  });

  it('resumes a broken blob download with a Range request', async () => {
    proxy.addFault({ method: 'GET', path: new RegExp(bigLayer().digest), action: { kind: 'truncate', afterBytes: 700_000 }, times: 1 });
    const root = await freshRoot();
    const before = proxy.log.length;
    await pullImage(name(), { ...root, ...retry });
    expect((await root.store.read(bigLayer().digest)).equals(image.layers[1]!)).toBe(true);
    const blobGets = proxy.log.slice(before).filter((e) => e.method === 'GET' && e.path.includes(bigLayer().digest));
    expect(blobGets).toHaveLength(2);
    expect(blobGets[0]!.range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(blobGets[1]!.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(700_000);
  });

  it('gives up after the retry budget with a temporary RegistryError', async () => {
    proxy.addFault({ path: /\/manifests\//, action: { kind: 'status', status: 503 } });
    const error = await pullImage(name(), { ...(await freshRoot()), retryBaseMs: 5, maxRetries: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ status: 503, temporary: true, registry: proxy.host });
    expect((error as RegistryError).diagnostics[0]?.code).toBe('UNAVAILABLE');
  });

  it('fails on a corrupted blob, names both digests and keeps nothing', async () => {
    proxy.addFault({ method: 'GET', path: new RegExp(bigLayer().digest), action: { kind: 'corrupt', offset: 1_000_000 } });
    const root = await freshRoot();
    const error = await pullImage(name(), { ...root, ...retry }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).message).toContain(bigLayer().digest);
    expect((error as DigestMismatchError).message).toMatch(/got sha256:[0-9a-f]{64}/);
    expect((error as DigestMismatchError).actual).not.toBe(bigLayer().digest);
    expect(await root.store.has(bigLayer().digest)).toBe(false);
    const stored: string[] = [];
    for await (const digest of root.store.list()) stored.push(digest);
    expect(stored).not.toContain((error as DigestMismatchError).actual);
    expect(await readdir(root.store.layout.tmp)).toEqual([]);
  });

  it('retries uploads after 500s and dropped connections', async () => {
    const src = await freshRoot();
    const fresh = await makeImage(src.store, [400_000]);
    const target = `${proxy.host}/faults/pushed:1`;
    await src.names.set(target, fresh.descriptor);
    proxy.addFault({ method: 'PUT', path: /\/blobs\/uploads\//, action: { kind: 'status', status: 500 }, times: 1 });
    proxy.addFault({ method: 'POST', path: /\/blobs\/uploads\//, action: { kind: 'drop' }, times: 1 });
    proxy.addFault({ method: 'PUT', path: /\/manifests\//, action: { kind: 'status', status: 502 }, times: 1 });
    proxy.addFault({ method: 'PUT', path: /\/blobs\/uploads\//, action: { kind: 'drop' }, times: 1 });
    await pushImage(target, { ...src, ...retry, concurrency: 1 });
    const check = await freshRoot();
    expect((await pullImage(target, check)).descriptor.digest).toBe(fresh.descriptor.digest);
  });

  it('starts a new upload session when the registry lost the old one', async () => {
    const src = await freshRoot();
    const fresh = await makeImage(src.store, [123_456]);
    const target = `${proxy.host}/faults/session:1`;
    await src.names.set(target, fresh.descriptor);
    proxy.addFault({ method: 'PUT', path: new RegExp(`digest=${fresh.manifest.layers[0]!.digest.replace(':', '(:|%3A)')}`), action: { kind: 'status', status: 404, code: 'BLOB_UPLOAD_UNKNOWN' }, times: 1 });
    const before = proxy.log.length;
    await pushImage(target, { ...src, ...retry, concurrency: 1 });
    const posts = proxy.log.slice(before).filter((e) => e.method === 'POST');
    expect(posts).toHaveLength(3);
    expect(proxy.log.slice(before).filter((e) => e.faulted === 'status')).toHaveLength(1);
    expect(await new RegistryClient(registry.host).headBlob('faults/session', fresh.manifest.layers[0]!.digest)).toBe(123_456);
  });

  it('rejects a manifest whose bytes do not match the registry digest', async () => {
    proxy.addFault({ method: 'GET', path: /\/manifests\/1$/, action: { kind: 'corrupt', offset: 20 } });
    const root = await freshRoot();
    const error = await pullImage(name(), { ...root, ...retry }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as Error).message).toContain(`manifest faults/app:1 digest mismatch: expected ${image.descriptor.digest}`);
    expect(await root.store.has(image.descriptor.digest)).toBe(false);
  });

  it('follows blob redirects to another origin', async () => {
    proxy.addFault({ method: 'GET', path: /\/blobs\/sha256:/, action: { kind: 'redirect', to: registry.url } });
    const root = await freshRoot();
    await pullImage(name(), { ...root, ...retry });
    expect((await root.store.read(bigLayer().digest)).equals(image.layers[1]!)).toBe(true);
    expect(proxy.log.filter((e) => e.faulted === 'redirect')).toHaveLength(3);
  });

  it('restarts a chunked upload whose chunk failed, streaming chunks from the store', async () => {
    const src = await freshRoot();
    const fresh = await makeImage(src.store, [450_000]);
    const target = `${proxy.host}/faults/chunks:1`;
    await src.names.set(target, fresh.descriptor);
    proxy.addFault({ method: 'PATCH', path: /\/blobs\/uploads\//, action: { kind: 'status', status: 500 }, skip: 2, times: 1 });
    const before = proxy.log.length;
    await pushImage(target, { ...src, ...retry, chunkSize: 100_000 });
    const patches = proxy.log.slice(before).filter((e) => e.method === 'PATCH');
    expect(patches).toHaveLength(3 + 5);
    const check = await freshRoot();
    await pullImage(target, check);
    expect((await check.store.read(fresh.manifest.layers[0]!.digest)).equals(fresh.layers[0]!)).toBe(true);
  });
});

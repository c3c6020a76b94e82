// The s3 and gha cache backends through a flaky proxy (test/helpers/fault-proxy.ts) that fails the
// first N matching requests with 5xx answers or reset connections: they are retried with backoff,
// a bounded number of times. S3 blobs over the part size go up as multipart uploads (s3rver, with
// the part size lowered for the test), `touch_refresh` touches old blobs instead of sending them
// again and `upload_parallelism` bounds the blobs sent at once. The gha service is the stand-in
// (test/helpers/gha-cache-server.ts), not GitHub's.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCacheBackend } from '../../src/cache/backends/index.js';
import { s3Cache, type S3CacheLocation } from '../../src/cache/backends/s3.js';
import { exportCache } from '../../src/cache/export.js';
import type { CacheLocation } from '../../src/cache/backends/index.js';
import { MemoryContentStore } from '../../src/oci/memory-store.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { startGhaCacheStandIn, type GhaCacheStandIn } from '../helpers/gha-cache-server.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';

let s3: TestS3;
let s3Proxy: FaultProxy;
let gha: GhaCacheStandIn;
let ghaProxy: FaultProxy;
beforeAll(async () => {
  s3 = await startS3();
  s3Proxy = await startFaultProxy(s3.endpoint.replace('http://', ''));
  gha = await startGhaCacheStandIn();
  ghaProxy = await startFaultProxy(new URL(gha.url).host);
  gha.advertise(`http://${ghaProxy.host}`);
});
afterAll(async () => {
  await s3Proxy?.stop();
  await s3?.stop();
  await ghaProxy?.stop();
  await gha?.stop();
});

const PART = 64 * 1024;

function s3Location(prefix: string, extra: Partial<S3CacheLocation> = {}, endpoint = `http://${s3Proxy.host}`): S3CacheLocation {
  return {
    type: 's3', bucket: s3.bucket, region: 'us-east-1', endpointUrl: endpoint, usePathStyle: true, prefix,
    accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', partSize: PART, ...extra,
  };
}

const ghaLocation = (url = `http://${ghaProxy.host}/`) => ({ type: 'gha' as const, scope: `retries-${randomBytes(4).toString('hex')}`, url, token: gha.token });

/** Exports one record per layer of `layers`; returns the descriptors of the layers as the cache lists them. */
async function exportLayers(where: CacheLocation, layers: Buffer[]) {
  const source = new MemoryContentStore();
  const records = [];
  for (const [i, bytes] of layers.entries()) {
    const layer = await source.put(bytes);
    const result = { diffIds: [layer.digest], layer: { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size, diffId: layer.digest } };
    records.push({ key: `sha256:${String(i).repeat(64).slice(0, 64)}`, result });
  }
  await exportCache(source, openCacheBackend(where, { registry: {} }), records, new Map());
}

/** Imports the cache at `where` and brings every layer it lists into a fresh store (digests checked). */
async function importAll(where: CacheLocation): Promise<number[]> {
  const target = new MemoryContentStore();
  const imported = await openCacheBackend(where, { registry: {} }).import(target);
  const sizes = [];
  for (const record of imported.config.records) {
    await imported.fetchBlob(record.result.layer!);
    expect(await target.has(record.result.layer!.digest)).toBe(true);
    sizes.push(record.result.layer!.size);
  }
  return sizes;
}

const seen = (proxy: FaultProxy, method: string, path: RegExp) => proxy.log.filter((r) => r.method === method && path.test(r.path));

describe('s3 cache: retries and multipart uploads (s3rver behind a flaky proxy)', () => {
  it('retries 5xx answers and reset connections, and sends a blob over the part size as a multipart upload', async () => {
    s3Proxy.clearFaults();
    s3Proxy.addFault({ method: 'POST', path: /^\/cache\/multi\/blobs\/.*\?uploads/, action: { kind: 'status', status: 500 }, times: 1 });
    s3Proxy.addFault({ method: 'PUT', path: /partNumber=2&/, action: { kind: 'status', status: 503 }, times: 2 });
    s3Proxy.addFault({ method: 'PUT', path: /partNumber=3&/, action: { kind: 'drop' }, times: 1 });
    s3Proxy.addFault({ method: 'HEAD', path: /^\/cache\/multi\/blobs\//, action: { kind: 'drop' }, times: 1 });
    s3Proxy.addFault({ method: 'PUT', path: /^\/cache\/multi\/manifests\//, action: { kind: 'status', status: 502 }, times: 1 });
    const big = randomBytes(5 * PART + 1000);
    await exportLayers(s3Location('multi/'), [big]);
    s3Proxy.clearFaults();
    const parts = seen(s3Proxy, 'PUT', /^\/cache\/multi\/blobs\/.*partNumber=/).filter((r) => !r.faulted);
    const numbers = parts.map((r) => Number(/partNumber=(\d+)/.exec(r.path)![1])).filter((n, i, all) => all.indexOf(n) === i);
    expect(numbers.length).toBeGreaterThanOrEqual(6); // the gzipped layer is a little over 5 parts
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(seen(s3Proxy, 'POST', /^\/cache\/multi\/blobs\/.*\?uploadId=/)).toHaveLength(1);
    expect(s3Proxy.log.filter((r) => r.faulted).length).toBe(6);
    // Read back from s3rver directly: every blob whole, its digest checked on the way in.
    const sizes = await importAll(s3Location('multi/', {}, s3.endpoint));
    expect(sizes).toHaveLength(1);
    expect(sizes[0]).toBeGreaterThan(5 * PART);
  }, 120_000);

  it('gives up after 5 attempts of a request the service keeps failing, naming the status', async () => {
    s3Proxy.clearFaults();
    s3Proxy.addFault({ method: 'PUT', path: /^\/cache\/down\/manifests\//, action: { kind: 'status', status: 503 } });
    await expect(exportLayers(s3Location('down/'), [Buffer.from('small layer')])).rejects.toThrow(/PUT down\/manifests\/tsbuild: HTTP 503/);
    s3Proxy.clearFaults();
    expect(seen(s3Proxy, 'PUT', /^\/cache\/down\/manifests\//)).toHaveLength(5);
  }, 120_000);

  it('touch_refresh touches blobs older than it (a copy onto itself) instead of sending them again; upload_parallelism bounds the blobs sent at once', async () => {
    const parsed = (fields: Record<string, string>) => s3Cache.parseLocation({ type: 's3', bucket: s3.bucket, region: 'us-east-1', ...fields }, '--cache-to');
    expect(parsed({ touch_refresh: '90m', upload_parallelism: '2' })).toMatchObject({ touchRefreshMs: 90 * 60_000, uploadParallelism: 2 });
    expect(() => parsed({ upload_parallelism: '0' })).toThrow(/upload_parallelism must be a whole number of at least 1/);
    expect(() => parsed({ touch_refresh: 'soon' })).toThrow(/touch_refresh/);
    const layers = [Buffer.from('layer one'), Buffer.from('layer two'), Buffer.from('layer three')];
    // upload_parallelism=2: two blob PUTs are under way at once (the gate holds each until a second
    // comes, or for a minute), and never more than two requests.
    s3Proxy.clearFaults();
    s3Proxy.addFault({ method: 'PUT', path: /^\/cache\/touch\/blobs\//, action: { kind: 'gate', count: 2, timeoutMs: 60_000 }, times: 2 });
    await exportLayers(s3Location('touch/', { uploadParallelism: 2 }), layers);
    expect(s3Proxy.peakInFlight()).toBe(2);
    s3Proxy.clearFaults();
    const blobPuts = () => seen(s3Proxy, 'PUT', /^\/cache\/touch\/blobs\//);
    const first = blobPuts().length;
    expect(blobPuts().map((r) => r.faulted)).toEqual(['gate-full', 'gate-full', undefined, undefined]); // three layers and the cache config
    await exportLayers(s3Location('touch/'), layers); // default 24h: the blobs are new, nothing is sent
    expect(blobPuts()).toHaveLength(first);
    await exportLayers(s3Location('touch/', { touchRefreshMs: 0 }), layers);
    const touches = blobPuts().slice(first);
    expect(touches).toHaveLength(4);
    for (const touch of touches) {
      expect(touch.headers['x-amz-copy-source']).toBe(decodeURIComponent(touch.path.slice(1))); // bucket/key, as BuildKit
      expect(touch.headers['x-amz-metadata-directive']).toBe('REPLACE');
      expect(touch.headers['content-length'] ?? '0').toBe('0');
    }
    expect(await importAll(s3Location('touch/', {}, s3.endpoint))).toHaveLength(3);
  }, 120_000);
});

describe('gha cache: retries (stand-in service behind a flaky proxy)', () => {
  it('retries 5xx answers of the service and reset connections of the blob store', async () => {
    ghaProxy.clearFaults();
    ghaProxy.addFault({ method: 'POST', path: /CreateCacheEntry$/, action: { kind: 'status', status: 502 }, times: 2 });
    ghaProxy.addFault({ method: 'PUT', path: /comp=block&/, action: { kind: 'drop' }, times: 1 });
    ghaProxy.addFault({ method: 'PUT', path: /comp=blocklist/, action: { kind: 'status', status: 500 }, times: 1 });
    ghaProxy.addFault({ method: 'POST', path: /FinalizeCacheEntryUpload$/, action: { kind: 'status', status: 503 }, times: 1 });
    ghaProxy.addFault({ method: 'POST', path: /GetCacheEntryDownloadURL$/, action: { kind: 'status', status: 504 }, times: 1 });
    ghaProxy.addFault({ method: 'GET', path: /^\/blobs\//, action: { kind: 'status', status: 500 }, times: 1 });
    const where = ghaLocation();
    await exportLayers(where, [randomBytes(4096)]);
    expect(await importAll(where)).toHaveLength(1);
    expect(ghaProxy.log.filter((r) => r.faulted).length).toBe(7);
    ghaProxy.clearFaults();
  }, 120_000);

  it('gives up after 5 attempts of a call the service keeps failing', async () => {
    ghaProxy.clearFaults();
    ghaProxy.addFault({ method: 'POST', path: /FinalizeCacheEntryUpload$/, action: { kind: 'status', status: 503 } });
    const before = seen(ghaProxy, 'POST', /FinalizeCacheEntryUpload$/).length;
    await expect(exportLayers(ghaLocation(), [Buffer.from('small layer')])).rejects.toThrow(/FinalizeCacheEntryUpload: HTTP 503/);
    ghaProxy.clearFaults();
    expect(seen(ghaProxy, 'POST', /FinalizeCacheEntryUpload$/).length - before).toBe(5);
  }, 120_000);
});

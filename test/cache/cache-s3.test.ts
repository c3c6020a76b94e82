// The s3 cache backend against a real S3-compatible server (s3rver on loopback): BuildKit's
// object layout, credentials from the environment, and a bucket that lies (a blob whose bytes
// do not match its digest, one longer than its size, an oversized manifest).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCacheBackend } from '../../src/cache/backends/index.js';
import type { S3CacheLocation } from '../../src/cache/backends/s3.js';
import { exportCache } from '../../src/cache/export.js';
import { MemoryContentStore } from '../../src/oci/memory-store.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';

let s3: TestS3;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.stop();
});

const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function location(prefix: string, extra: Partial<S3CacheLocation> = {}): S3CacheLocation {
  return { type: 's3', bucket: s3.bucket, region: 'us-east-1', endpointUrl: s3.endpoint, usePathStyle: true, prefix, ...KEYS, ...extra };
}

/** Exports a one-record cache with a layer; returns the descriptor of the (gzipped) layer it sent. */
async function exportOneLayer(where: S3CacheLocation) {
  const source = new MemoryContentStore();
  const layer = await source.put(Buffer.from('layer bytes'));
  const result = { diffIds: [layer.digest], layer: { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size, diffId: layer.digest } };
  await exportCache(source, openCacheBackend(where, { registry: {} }), [{ key: `sha256:${'1'.repeat(64)}`, result }], new Map());
  const config = (await openCacheBackend(where, { registry: {} }).import(new MemoryContentStore())).config;
  const { mediaType, digest, size } = config.records[0]!.result.layer!;
  return { mediaType, digest, size };
}

async function put(key: string, body: Buffer | string): Promise<void> {
  const response = await fetch(s3.objectUrl(key), { method: 'PUT', body });
  expect(response.status).toBe(200);
}

describe('s3 cache', () => {
  it('lays the cache out as BuildKit does: <prefix>manifests/<name> and <prefix>blobs/<digest>', async () => {
    const layer = await exportOneLayer(location('layout/', { names: ['main', 'also'] }));
    expect(layer.mediaType).toMatch(/gzip$/);
    for (const key of ['layout/manifests/main', 'layout/manifests/also']) {
      const manifest = await (await fetch(s3.objectUrl(key))).json() as { layers: { digest: string }[]; config: { digest: string } };
      expect(manifest.layers.map((l) => l.digest)).toContain(layer.digest);
      expect((await fetch(s3.objectUrl(`layout/blobs/${manifest.config.digest}`))).status).toBe(200);
    }
    expect((await fetch(s3.objectUrl(`layout/blobs/${layer.digest}`))).status).toBe(200);

    const target = new MemoryContentStore();
    const imported = await openCacheBackend(location('layout/', { names: ['also'] }), { registry: {} }).import(target);
    await imported.fetchBlob(layer);
    expect(await target.has(layer.digest)).toBe(true);
  });

  it('takes its credentials from the environment when the location names none', async () => {
    const where = location('env/', { accessKeyId: undefined, secretAccessKey: undefined });
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    try {
      process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
      process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
      await exportOneLayer(where);
      process.env.AWS_ACCESS_KEY_ID = 'NOT-A-KEY';
      await expect(exportOneLayer(where)).rejects.toThrow(/HTTP 403/);
    } finally {
      for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('refuses a blob whose bytes do not match its digest, or that is longer than its size', async () => {
    const layer = await exportOneLayer(location('tampered/'));
    const imported = await openCacheBackend(location('tampered/'), { registry: {} }).import(new MemoryContentStore());
    const target = new MemoryContentStore();
    await put(`tampered/blobs/${layer.digest}`, Buffer.alloc(layer.size, 0x61)); // same length, other bytes
    await expect(imported.fetchBlob(layer)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    await put(`tampered/blobs/${layer.digest}`, Buffer.alloc(layer.size + (1 << 20), 0x61));
    const fresh = await openCacheBackend(location('tampered/'), { registry: {} }).import(target);
    await expect(fresh.fetchBlob(layer)).rejects.toThrow(`has more than its ${layer.size} bytes`);
    expect(await target.has(layer.digest)).toBe(false);
  });

  it('refuses a manifest over 4 MiB without reading it whole', async () => {
    await put('huge/manifests/tsbuild', Buffer.alloc(5 * 1024 * 1024, 0x20));
    await expect(openCacheBackend(location('huge/'), { registry: {} }).import(new MemoryContentStore()))
      .rejects.toThrow(/cache manifest is larger than 4194304 bytes/);
  });

  it('reports a missing cache as not found', async () => {
    await expect(openCacheBackend(location('absent/'), { registry: {} }).import(new MemoryContentStore()))
      .rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

// The gha cache backend against a STAND-IN for the GitHub Actions cache service (v2 protocol,
// test/helpers/gha-cache-server.ts; not GitHub's service itself): entry keys as BuildKit names
// them, the index as a series of immutable entries, multi-block uploads, and a service that lies.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GhaCacheLocation } from '../../src/cache/backends/gha.js';
import { openCacheBackend } from '../../src/cache/backends/index.js';
import { exportCache } from '../../src/cache/export.js';
import { MemoryContentStore } from '../../src/oci/memory-store.js';
import { startGhaCacheStandIn, type GhaCacheStandIn } from '../helpers/gha-cache-server.js';

let service: GhaCacheStandIn;
beforeEach(async () => {
  service = await startGhaCacheStandIn();
});
afterEach(async () => {
  await service?.stop();
});

const location = (extra: { scope?: string; token?: string } = {}) => ({ type: 'gha' as const, scope: extra.scope ?? 'buildkit', url: service.url, token: extra.token ?? service.token });

/** Exports one record whose layer holds `bytes`; returns the record key. */
async function exportOne(bytes: Buffer, key = `sha256:${'1'.repeat(64)}`, where: GhaCacheLocation = location()) {
  const source = new MemoryContentStore();
  const layer = await source.put(bytes);
  const result = { diffIds: [layer.digest], layer: { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size, diffId: layer.digest } };
  await exportCache(source, openCacheBackend(where, { registry: {} }), [{ key, result }], new Map());
  return key;
}

describe('gha cache (stand-in service)', () => {
  it('stores blobs under BuildKit\'s keys and the index as KEY#1, KEY#2, reading back the newest', async () => {
    await exportOne(Buffer.from('first'), `sha256:${'1'.repeat(64)}`);
    await exportOne(Buffer.from('second'), `sha256:${'2'.repeat(64)}`);
    const keys = service.keys();
    const indexes = keys.filter((k) => k.startsWith('tsbuild-index-'));
    expect(indexes).toEqual([expect.stringMatching(/^tsbuild-index-buildkit-1-[0-9a-f]{8}#1$/), expect.stringMatching(/#2$/)]);
    expect(keys.filter((k) => /^buildkit-blob-1-sha256:[0-9a-f]{64}$/.test(k)).length).toBeGreaterThanOrEqual(3);

    const target = new MemoryContentStore();
    const imported = await openCacheBackend(location(), { registry: {} }).import(target);
    expect(imported.config.records.map((r) => r.key)).toEqual([`sha256:${'2'.repeat(64)}`]);
    const layer = imported.config.records[0]!.result.layer!;
    await imported.fetchBlob(layer);
    expect(await target.has(layer.digest)).toBe(true);
    // Another scope= has its own index.
    await expect(openCacheBackend(location({ scope: 'other' }), { registry: {} }).import(target)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('uploads a blob larger than one block as several Azure blocks', async () => {
    const big = randomBytes(33 * 1024 * 1024);
    await exportOne(big);
    const target = new MemoryContentStore();
    const imported = await openCacheBackend(location(), { registry: {} }).import(target);
    const layer = imported.config.records[0]!.result.layer!;
    expect(layer.size).toBeGreaterThan(32 * 1024 * 1024);
    await imported.fetchBlob(layer);
    expect(await target.has(layer.digest)).toBe(true);
  }, 120_000);

  it('reads the runner\'s ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN, and says when they are missing', async () => {
    const saved = { url: process.env.ACTIONS_RESULTS_URL, token: process.env.ACTIONS_RUNTIME_TOKEN };
    const restore = (name: 'ACTIONS_RESULTS_URL' | 'ACTIONS_RUNTIME_TOKEN', value: string | undefined) => {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    };
    try {
      delete process.env.ACTIONS_RESULTS_URL;
      delete process.env.ACTIONS_RUNTIME_TOKEN;
      await expect(exportOne(Buffer.from('x'), undefined, { type: 'gha', scope: 'buildkit' }))
        .rejects.toThrow(/needs the GitHub Actions cache service: ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN/);
      process.env.ACTIONS_RESULTS_URL = service.url;
      process.env.ACTIONS_RUNTIME_TOKEN = service.token;
      await exportOne(Buffer.from('from env'), undefined, { type: 'gha', scope: 'env' });
      expect(service.keys().some((k) => k.startsWith('tsbuild-index-env-'))).toBe(true);
    } finally {
      restore('ACTIONS_RESULTS_URL', saved.url);
      restore('ACTIONS_RUNTIME_TOKEN', saved.token);
    }
  });

  it('fails clearly on a token the service refuses', async () => {
    await expect(exportOne(Buffer.from('x'), undefined, location({ token: 'not-the-token' })))
      .rejects.toThrow(/gha scope buildkit: GetCacheEntryDownloadURL: HTTP 401/);
  });

  it('refuses a blob whose bytes do not match its digest, and an oversized index', async () => {
    await exportOne(Buffer.from('layer bytes'));
    const imported = await openCacheBackend(location(), { registry: {} }).import(new MemoryContentStore());
    const layer = imported.config.records[0]!.result.layer!;
    service.tamper(`buildkit-blob-1-${layer.digest}`, Buffer.alloc(layer.size, 0x61));
    const target = new MemoryContentStore();
    await expect(imported.fetchBlob(layer)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(await target.has(layer.digest)).toBe(false);

    const index = service.keys().find((k) => k.startsWith('tsbuild-index-'))!;
    service.tamper(index, Buffer.alloc(5 * 1024 * 1024, 0x20));
    await expect(openCacheBackend(location(), { registry: {} }).import(target)).rejects.toThrow(/cache manifest is larger than 4194304 bytes/);
  });
});

// The inline cache: `--cache-to type=inline` puts the records in the pushed image's config in
// BuildKit's format (`moby.buildkit.cache.v0`), `--cache-from IMAGE` reads them back; BuildKit's
// own records (keyed by its LLB digests) are recognised and left out; a lying config is refused.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INLINE_CACHE_FIELD, inlineCacheValue } from '../../src/cache/index.js';
import { parseInlineCache } from '../../src/cache/inline-cache.js';
import { build } from '../../src/executor/build.js';
import type { BuildEvent } from '../../src/executor/events.js';
import type { BuildOptions } from '../../src/executor/options.js';
import { RegistryClient } from '../../src/registry/client.js';
import type { ImageConfig, ImageManifest } from '../../src/spec/types.js';
import { pushBusyboxBase } from '../helpers/registry-base.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';

let registry: TestRegistry;
let context: string;
let base: string;
let work: string;

beforeAll(async () => {
  registry = await startRegistry();
  work = await mkdtemp(path.join(os.tmpdir(), 'tsbuild-cache-inline-'));
  context = path.join(work, 'ctx');
  await mkdir(context);
  await writeFile(path.join(context, 'Dockerfile'), 'ARG BASE\nFROM ${BASE}\nWORKDIR /src\nENV GREETING=hello\nCOPY app.txt .\nRUN cp app.txt built.txt && echo built >> built.txt\nCMD ["cat", "/src/built.txt"]\n');
  await writeFile(path.join(context, 'app.txt'), 'hello\n');
  base = await pushBusyboxBase(registry, work);
});

afterAll(async () => {
  await registry?.stop();
});

async function buildIn(root: string, extra: Partial<BuildOptions>) {
  const events: BuildEvent[] = [];
  const result = await build({ context, root, buildArgs: { BASE: base }, sourceDateEpoch: 1_700_000_000, onEvent: (e) => events.push(e), ...extra });
  const count = (type: BuildEvent['type']) => events.filter((e) => e.type === type).length;
  return { result, cached: count('step.cached'), events };
}

async function pushedConfig(ref: string): Promise<{ manifest: ImageManifest; config: Record<string, unknown> }> {
  const client = new RegistryClient(registry.host, {});
  const [repo, tag] = ref.slice(registry.host.length + 1).split(':') as [string, string];
  const manifest = JSON.parse((await client.getManifest(repo, tag)).bytes.toString()) as ImageManifest;
  const { MemoryContentStore } = await import('../../src/oci/memory-store.js');
  const store = new MemoryContentStore();
  await client.fetchBlob(repo, manifest.config, store);
  return { manifest, config: JSON.parse((await store.read(manifest.config.digest)).toString()) as Record<string, unknown> };
}

describe('a BuildKit registry cache (application/vnd.buildkit.cacheconfig.v0)', () => {
  /** Pushes a cache in BuildKit's layout: an index (image-manifest=false) or a manifest (true). */
  async function pushBuildkitCache(tag: string, imageManifest: boolean, records: unknown[]): Promise<string> {
    const { MemoryContentStore } = await import('../../src/oci/memory-store.js');
    const { putJson } = await import('../../src/oci/image.js');
    const store = new MemoryContentStore();
    const client = new RegistryClient(registry.host, {});
    const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...(await store.put(Buffer.from('not really a layer'))) };
    const cacheConfig = await putJson(store, 'application/vnd.buildkit.cacheconfig.v0', {
      layers: [{ blob: layer.digest, parent: -1, annotations: { diffID: layer.digest, size: layer.size, mediaType: layer.mediaType } }], records,
    });
    for (const blob of [layer, cacheConfig]) await client.uploadBlob('cache/buildkit', blob, () => store.open(blob.digest));
    const top = imageManifest
      ? await putJson(store, 'application/vnd.oci.image.manifest.v1+json', { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: cacheConfig, layers: [layer] })
      : await putJson(store, 'application/vnd.oci.image.index.v1+json', { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [layer, cacheConfig] });
    await client.putManifest('cache/buildkit', tag, top, await store.read(top.digest));
    return `${registry.host}/cache/buildkit:${tag}`;
  }

  it.each([true, false])('is checked and named as BuildKit\'s (image-manifest=%s)', async (imageManifest) => {
    const records = [{ digest: `sha256:${'c'.repeat(64)}`, layers: [{ layer: 0 }] }, { digest: `sha256:${'d'.repeat(64)}`, inputs: [[{ link: 0 }]] }];
    const ref = await pushBuildkitCache(`im-${imageManifest}`, imageManifest, records);
    const { events } = await buildIn(path.join(work, `bk-${imageManifest}`), { cacheFrom: [{ type: 'registry', ref }] });
    const warning = events.find((e) => e.type === 'warning' && e.message.includes('cache import from'));
    expect(warning && 'message' in warning ? warning.message : '')
      .toContain(`is a BuildKit cache (image-manifest=${imageManifest}; 2 records keyed by BuildKit's LLB digests`);
  });

  it('refuses one whose record digests do not parse', async () => {
    const ref = await pushBuildkitCache('bad', false, [{ digest: '../../../etc' }]);
    const { events } = await buildIn(path.join(work, 'bk-bad'), { cacheFrom: [{ type: 'registry', ref }] });
    expect(events.some((e) => e.type === 'warning' && /BuildKit cache record 0/.test(e.message))).toBe(true);
  });
});

describe('inline cache', () => {
  it('round trip: the pushed image carries its cache; an empty root rebuilds all CACHED with the same image ID', async () => {
    const ref = `${registry.host}/app/inline:1`;
    const inline = { location: { type: 'inline' as const }, mode: 'min' as const };
    const first = await buildIn(path.join(work, 'A'), { tags: [ref], outputs: [{ type: 'image', push: true }], cacheTo: [inline] });
    expect(first.cached).toBe(0);

    const { manifest, config } = await pushedConfig(ref);
    const records = JSON.parse(Buffer.from(config[INLINE_CACHE_FIELD] as string, 'base64').toString()) as { digest: string; layers?: { layer: number }[] }[];
    // BuildKit's shape: a list of records, each naming its result by a layer index of the image.
    expect(records.length).toBeGreaterThanOrEqual(3);
    for (const record of records) {
      expect(record.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      for (const { layer } of record.layers ?? []) expect(layer).toBeLessThan(manifest.layers.length);
    }

    const second = await buildIn(path.join(work, 'B'), { cacheFrom: [{ type: 'registry', ref }], cacheTo: [inline] });
    expect(second.cached).toBe(3); // WORKDIR, COPY, RUN: every step but FROM
    expect(second.result.imageId).toBe(first.result.imageId);
  });

  it('names an image without an inline cache, and BuildKit\'s records, in the import warning', async () => {
    const plain = `${registry.host}/app/plain:1`;
    await buildIn(path.join(work, 'C'), { tags: [plain], outputs: [{ type: 'image', push: true }] });
    const missing = await buildIn(path.join(work, 'D'), { cacheFrom: [{ type: 'registry', ref: plain }] });
    expect(missing.cached).toBe(0);
    expect(missing.events.some((e) => e.type === 'warning' && /is an image without an inline cache/.test(e.message))).toBe(true);

    const { manifest, config } = await pushedConfig(plain);
    const buildkit = [{ digest: `sha256:${'b'.repeat(64)}`, layers: [{ layer: 0, createdAt: '2024-01-01T00:00:00Z' }] }];
    const withBuildkit = { ...config, [INLINE_CACHE_FIELD]: Buffer.from(JSON.stringify(buildkit)).toString('base64') } as unknown as ImageConfig;
    expect(parseInlineCache(manifest, withBuildkit, 'img')).toEqual({ records: [], foreign: 1 });
  });

  it('refuses an inline cache that names layers the image does not have, or is not BuildKit\'s format', async () => {
    const diffIds = [`sha256:${'1'.repeat(64)}`, `sha256:${'2'.repeat(64)}`] as ImageConfig['rootfs']['diff_ids'];
    const manifest = { schemaVersion: 2, config: { mediaType: 'x', digest: `sha256:${'0'.repeat(64)}`, size: 1 }, layers: diffIds.map((d) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d, size: 1 })) } as ImageManifest;
    const configWith = (value: unknown) => ({ rootfs: { type: 'layers', diff_ids: diffIds }, [INLINE_CACHE_FIELD]: value }) as unknown as ImageConfig;
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
    const key = `sha256:${'3'.repeat(64)}`;

    const good = inlineCacheValue([{ key, result: { diffIds, layer: { mediaType: 'm', digest: diffIds[1]!, size: 1, diffId: diffIds[1]! } } }], diffIds)!;
    expect(parseInlineCache(manifest, configWith(good), 'img')?.records[0]?.result.layer?.digest).toBe(diffIds[1]);

    expect(() => parseInlineCache(manifest, configWith(encode([{ digest: key, layers: [{ layer: 7 }], 'tsbuild.v1': { layer: true } }])), 'img'))
      .toThrow(/names a layer the image does not have/);
    expect(() => parseInlineCache(manifest, configWith(encode([{ digest: '../../etc/passwd', 'tsbuild.v1': { layer: false } }])), 'img')).toThrow(/digest/);
    expect(() => parseInlineCache(manifest, configWith(encode({ layers: [] })), 'img')).toThrow(/is not a list of cache records/);
    expect(() => parseInlineCache(manifest, configWith(42), 'img')).toThrow(/is not a base64 string/);
    expect(() => parseInlineCache({ ...manifest, layers: [] }, configWith(good), 'img')).toThrow(/names 2 diff IDs for 0 layers/);
    // A record whose rootfs is not a prefix of the image's is not exported into it.
    expect(inlineCacheValue([{ key, result: { diffIds: [diffIds[1]!] } }], diffIds)).toBeUndefined();
  });
});

import { gunzipSync } from 'node:zlib';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { distributableImage } from '../../src/oci/distribution.js';
import { readIndex, readManifest, writeImage, writeIndex } from '../../src/oci/image.js';
import { MediaType, type Descriptor, type Digest, type ImageConfig } from '../../src/spec/types.js';

async function imageWithLayer(store: DiskContentStore, content: string, arch = 'amd64'): Promise<{ top: Descriptor; layer: Buffer }> {
  const layer = Buffer.from(content.repeat(1000));
  const info = await store.put(layer);
  const config: ImageConfig = { architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [info.digest] } };
  const top = await writeImage(store, { config, layers: [{ mediaType: MediaType.OciLayer, digest: info.digest, size: info.size }] });
  return { top, layer };
}

describe('distributableImage', () => {
  it('gzips uncompressed layers once and leaves the config alone', async () => {
    const store = await DiskContentStore.open(await mkdtemp(path.join(os.tmpdir(), 'tsbuild-dist-')));
    const { top, layer } = await imageWithLayer(store, 'layer bytes\n');
    const converted = await distributableImage(store, top);
    expect(converted.digest).not.toBe(top.digest);
    const [before, after] = [await readManifest(store, top), await readManifest(store, converted)];
    expect(after.config).toEqual(before.config);
    expect(after.layers[0].mediaType).toBe(MediaType.OciLayerGzip);
    expect(gunzipSync(await store.read(after.layers[0].digest as Digest))).toEqual(layer);
    expect((await distributableImage(store, top)).digest).toBe(converted.digest); // remembered, same bytes
    expect((await distributableImage(store, converted)).digest).toBe(converted.digest); // nothing left to do
  });

  it('converts every platform of an index', async () => {
    const store = await DiskContentStore.open(await mkdtemp(path.join(os.tmpdir(), 'tsbuild-dist-')));
    const amd = await imageWithLayer(store, 'amd64\n');
    const arm = await imageWithLayer(store, 'arm64\n', 'arm64');
    const index = await writeIndex(store, [amd.top, arm.top]);
    const converted = await distributableImage(store, index);
    const manifests = (await readIndex(store, converted)).manifests;
    expect(manifests.map((m) => m.platform?.architecture)).toEqual(['amd64', 'arm64']);
    for (const m of manifests) expect((await readManifest(store, m)).layers[0].mediaType).toBe(MediaType.OciLayerGzip);
  });
});

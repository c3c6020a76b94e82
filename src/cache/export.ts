// Writes a build cache into the store as one artifact (see cache-manifest.ts) and hands it to a
// backend: the records with gzipped layers, and optionally the contents of cache mounts.
import { putJson, compressedLayer, writeLayer } from '../oci/index.js';
import type { ContentStore } from '../oci/index.js';
import type { CacheBackend } from './backend.js';
import {
  cacheConfig, cacheLayers, cacheManifest, CACHE_CONFIG_MEDIA_TYPE, type ExportedCacheMount, type ExportedRecord,
} from './cache-manifest.js';
import type { StepResultRecord } from './records.js';

/** `mounts`: cache mount directories by id, for `cache-mounts=true`. */
export async function exportCache(
  store: ContentStore, backend: CacheBackend, records: ExportedRecord[], mounts: ReadonlyMap<string, string>,
): Promise<void> {
  const exported: ExportedRecord[] = [];
  for (const { key, result } of records) exported.push({ key, result: await withCompressedLayer(store, result) });
  const config = cacheConfig(exported, await packMounts(store, mounts));
  const configDescriptor = await putJson(store, CACHE_CONFIG_MEDIA_TYPE, config);
  const layers = cacheLayers(config);
  const manifest = cacheManifest(configDescriptor, layers);
  const manifestDescriptor = await putJson(store, manifest.mediaType!, manifest);
  await backend.export(store, { manifest: manifestDescriptor, blobs: [configDescriptor, ...layers] });
}

/** Records travel with gzipped layers; the diff ID stays what the key chain needs. */
async function withCompressedLayer(store: ContentStore, result: StepResultRecord): Promise<StepResultRecord> {
  const layer = result.layer;
  if (!layer) return result;
  const compressed = await compressedLayer(store, { mediaType: layer.mediaType, digest: layer.digest, size: layer.size });
  return { ...result, layer: { ...compressed, diffId: layer.diffId } };
}

/** Packs each cache mount into a layer (tsbuild's answer to BuildKit issue 1512). */
async function packMounts(store: ContentStore, mounts: ReadonlyMap<string, string>): Promise<ExportedCacheMount[]> {
  const packed: ExportedCacheMount[] = [];
  for (const [id, dir] of [...mounts].sort(([a], [b]) => a.localeCompare(b))) {
    const written = await writeLayer(store, { dir, mode: 'plain' });
    packed.push({ id, layer: written.descriptor });
  }
  return packed;
}

// The format of an exported build cache: one OCI image manifest whose config lists cache
// records (key -> layer) and whose layers are those records' layer blobs. A plain manifest is
// accepted by every registry; BuildKit's cache manifests work the same way.
import { TsbuildError } from '../errors.js';
import { parseDigest } from '../oci/digest.js';
import { parseDescriptor } from '../spec/documents.js';
import type { Descriptor, Digest, ImageManifest } from '../oci/types.js';
import { MediaType } from '../oci/types.js';
import type { StepResultRecord } from './records.js';

export const CACHE_CONFIG_MEDIA_TYPE = 'application/vnd.tsbuild.cache.config.v1+json';
export const CACHE_ARTIFACT_TYPE = 'application/vnd.tsbuild.cache.v1';

export interface ExportedRecord {
  key: string;
  result: StepResultRecord;
}

/** The contents of one `RUN --mount=type=cache` directory, as a layer (`cache-mounts=true`). */
export interface ExportedCacheMount {
  id: string;
  layer: Descriptor;
}

export interface CacheConfig {
  version: 1;
  records: ExportedRecord[];
  mounts?: ExportedCacheMount[];
}

export function cacheConfig(records: Iterable<ExportedRecord>, mounts: ExportedCacheMount[] = []): CacheConfig {
  const unique = new Map<string, ExportedRecord>();
  for (const record of records) unique.set(record.key, { key: record.key, result: record.result });
  const sorted = [...unique.values()].sort((a, b) => a.key.localeCompare(b.key));
  return { version: 1, records: sorted, ...(mounts.length > 0 ? { mounts } : {}) };
}

/** The layer blobs a cache config needs, each once, in a stable order. */
export function cacheLayers(config: CacheConfig): Descriptor[] {
  const layers = new Map<string, Descriptor>();
  for (const { result } of config.records) {
    const layer = result.layer;
    if (layer) layers.set(layer.digest, { mediaType: layer.mediaType, digest: layer.digest as Digest, size: layer.size });
  }
  for (const mount of config.mounts ?? []) layers.set(mount.layer.digest, mount.layer);
  return [...layers.values()].sort((a, b) => a.digest.localeCompare(b.digest));
}

export function cacheManifest(config: Descriptor, layers: Descriptor[]): ImageManifest {
  return { schemaVersion: 2, mediaType: MediaType.OciManifest, artifactType: CACHE_ARTIFACT_TYPE, config, layers };
}

export function parseCacheConfig(bytes: Buffer, where: string): CacheConfig {
  let parsed: CacheConfig | undefined;
  try {
    parsed = JSON.parse(bytes.toString('utf8')) as CacheConfig;
  } catch {
    // reported below
  }
  if (parsed?.version !== 1 || !Array.isArray(parsed.records)) {
    throw new TsbuildError('STORE', `${where} is not a tsbuild build cache (unknown config format)`);
  }
  checkCacheDigests(parsed, where);
  return parsed;
}

/** An imported cache's digests become blob and snapshot paths: every one must parse. */
function checkCacheDigests(config: CacheConfig, where: string): void {
  for (const [i, record] of config.records.entries()) {
    const at = `${where}: cache record ${i}`;
    if (typeof record?.key !== 'string' || !Array.isArray(record.result?.diffIds)) {
      throw new TsbuildError('STORE', `${at} is not a cache record`);
    }
    for (const id of record.result.diffIds) parseDigest(id, `${at}: diff ID`, 'STORE');
    const layer = record.result.layer;
    if (layer) {
      parseDescriptor(layer, { where: `${at}: layer` });
      parseDigest(layer.diffId, `${at}: layer diff ID`, 'STORE');
    }
  }
  for (const mount of config.mounts ?? []) parseDescriptor(mount?.layer, { where: `${where}: cache mount ${String(mount?.id)}` });
}

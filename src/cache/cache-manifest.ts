// The format of an exported build cache: one OCI image manifest whose config lists cache
// records (key -> layer) and whose layers are those records' layer blobs. A plain manifest is
// accepted by every registry; BuildKit's cache manifests work the same way.
import { TsbuildError } from '../errors.js';
import { parseDescriptor, parseJsonObject } from '../spec/index.js';
import type { Descriptor, ImageManifest } from '../oci/index.js';
import { MediaType } from '../oci/index.js';
import { parseCacheRecord, type StepResultRecord } from './records.js';

export const CACHE_CONFIG_MEDIA_TYPE = 'application/vnd.tsbuild.cache.config.v1+json';
const CACHE_ARTIFACT_TYPE = 'application/vnd.tsbuild.cache.v1';

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
    if (layer) layers.set(layer.digest, { mediaType: layer.mediaType, digest: layer.digest, size: layer.size });
  }
  for (const mount of config.mounts ?? []) layers.set(mount.layer.digest, mount.layer);
  return [...layers.values()].sort((a, b) => a.digest.localeCompare(b.digest));
}

export function cacheManifest(config: Descriptor, layers: Descriptor[]): ImageManifest {
  return { schemaVersion: 2, mediaType: MediaType.OciManifest, artifactType: CACHE_ARTIFACT_TYPE, config, layers };
}

export function parseCacheConfig(bytes: Buffer, where: string): CacheConfig {
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = parseJsonObject(bytes, { where }, 'build cache config');
  } catch {
    // reported below
  }
  if (parsed?.['version'] !== 1 || !Array.isArray(parsed['records']) || (parsed['mounts'] !== undefined && !Array.isArray(parsed['mounts']))) {
    throw new TsbuildError('STORE', `${where} is not a tsbuild build cache (unknown config format)`);
  }
  const config = parsed as unknown as CacheConfig;
  checkCacheDigests(config, where);
  return config;
}

/** An imported cache's digests become blob and snapshot paths: every one must parse. */
function checkCacheDigests(config: CacheConfig, where: string): void {
  for (const [i, record] of config.records.entries()) parseCacheRecord(record, `${where}: cache record ${i}`);
  for (const mount of config.mounts ?? []) parseDescriptor(mount?.layer, { where: `${where}: cache mount ${String(mount?.id)}` });
}

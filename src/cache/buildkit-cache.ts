// BuildKit's registry cache format (`--cache-to type=registry` of BuildKit): a cache config
// (`application/vnd.buildkit.cacheconfig.v0`: layers with their diff IDs, records keyed by
// digests of BuildKit's LLB ops) named by an OCI index (image-manifest=false) or by the config of
// an OCI manifest (image-manifest=true). tsbuild's keys never equal BuildKit's, so such a cache
// is checked and counted, never used.
import { TsbuildError } from '../errors.js';
import type { Descriptor, ImageIndex, ImageManifest } from '../oci/index.js';
import { isObject, parseDigest } from '../spec/index.js';

export const BUILDKIT_CACHE_CONFIG_MEDIA_TYPE = 'application/vnd.buildkit.cacheconfig.v0';

/** The cache config's descriptor when `document` (a parsed index or manifest) is a BuildKit cache. */
export function buildkitCacheConfigOf(document: ImageIndex | ImageManifest): Descriptor | undefined {
  if ('manifests' in document) return document.manifests.find((m) => m.mediaType === BUILDKIT_CACHE_CONFIG_MEDIA_TYPE);
  return document.config.mediaType === BUILDKIT_CACHE_CONFIG_MEDIA_TYPE ? document.config : undefined;
}

/** Checks a BuildKit cache config and returns how many records it has. */
export function countBuildkitRecords(bytes: Buffer, where: string): number {
  const bad = (why: string) => new TsbuildError('STORE', `${where}: BuildKit cache config ${why}`);
  let config: unknown;
  try {
    config = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw bad('is not JSON');
  }
  if (!isObject(config)) throw bad('is not an object');
  const layers = config['layers'] ?? [];
  const records = config['records'] ?? [];
  if (!Array.isArray(layers) || !Array.isArray(records)) throw bad('has no layer and record lists');
  for (const [i, layer] of layers.entries()) {
    if (!isObject(layer)) throw bad(`layer ${i} is not an object`);
    parseDigest(layer['blob'], `${where}: BuildKit cache layer ${i}`, 'STORE');
    const parent = layer['parent'] ?? 0;
    if (!Number.isSafeInteger(parent) || (parent as number) < -1 || (parent as number) >= layers.length) throw bad(`layer ${i} has no valid parent`);
  }
  for (const [i, record] of records.entries()) {
    if (!isObject(record)) throw bad(`record ${i} is not an object`);
    parseDigest(record['digest'], `${where}: BuildKit cache record ${i}`, 'STORE');
  }
  return records.length;
}

// The public surface of src/cache: what other modules may import from it.
export { openCacheBackend, parseCacheLocation } from './backends/index.js';
export type { CacheLocation } from './backends/index.js';
export { diskUsage } from './disk-usage.js';
export type { DiskUsage } from './disk-usage.js';
export { explainMiss } from './explain.js';
export { exportCache } from './export.js';
export { INLINE_CACHE_FIELD, inlineCacheValue } from './inline-cache.js';
export { cacheKey } from './keys.js';
export type { CacheKeyParts } from './keys.js';
export { CacheLookup } from './lookup.js';
export { prune } from './prune.js';
export type { PruneReport } from './prune.js';
export { CacheRecordStore, recordLayerBlobs } from './records.js';
export type { CacheRecord, StepResultRecord } from './records.js';
export { parseSize } from './size.js';

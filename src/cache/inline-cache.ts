// The inline cache (`--cache-to type=inline`): cache records carried in the image config, in
// BuildKit's format: the config field `moby.buildkit.cache.v0` holds the base64 of a JSON list of
// BuildKit cache records, each naming its result by the index of its top layer in the image's own
// layer list. tsbuild adds one field BuildKit ignores (`tsbuild.v1`: whether the step added
// that layer, and a COPY --from's key alias). Records without it are BuildKit's: their keys are
// digests of BuildKit's LLB, which tsbuild's keys never equal, so they are counted, not used.
import { TsbuildError } from '../errors.js';
import type { ImageConfig, ImageManifest } from '../oci/index.js';
import { isObject, parseDigest } from '../spec/index.js';
import type { ExportedRecord } from './cache-manifest.js';
import { parseCacheRecord } from './records.js';

export const INLINE_CACHE_FIELD = 'moby.buildkit.cache.v0';
const TSBUILD_FIELD = 'tsbuild.v1';

interface InlineRecord {
  digest: string;
  layers?: { layer: number; createdAt?: string }[];
  [TSBUILD_FIELD]?: { layer: boolean; key?: string };
}

/**
 * The field's value for an image with these diff IDs: the records whose rootfs is a prefix of the
 * image's (the others' layers are not in it). Undefined when none is.
 */
export function inlineCacheValue(records: ExportedRecord[], diffIds: string[]): string | undefined {
  const inline: InlineRecord[] = [];
  for (const { key, result } of [...records].sort((a, b) => a.key.localeCompare(b.key))) {
    const top = result.diffIds.length - 1;
    if (top >= diffIds.length || result.diffIds.some((d, i) => d !== diffIds[i])) continue;
    if (result.layer && result.layer.diffId !== result.diffIds[top]) continue;
    inline.push({
      digest: key,
      ...(top >= 0 ? { layers: [{ layer: top, ...(result.created ? { createdAt: result.created } : {}) }] } : {}),
      [TSBUILD_FIELD]: { layer: result.layer !== undefined, ...(result.key ? { key: result.key } : {}) },
    });
  }
  return inline.length > 0 ? Buffer.from(JSON.stringify(inline)).toString('base64') : undefined;
}

export interface InlineCache {
  records: ExportedRecord[];
  /** BuildKit's own records: well-formed, but keyed by BuildKit's LLB digests. */
  foreign: number;
}

/** The records of an image's inline cache; undefined when its config has none. */
export function parseInlineCache(manifest: ImageManifest, config: ImageConfig, where: string): InlineCache | undefined {
  const value = (config as unknown as Record<string, unknown>)[INLINE_CACHE_FIELD];
  if (value === undefined) return undefined;
  const bad = (why: string) => new TsbuildError('STORE', `${where}: inline cache ${why}`);
  if (typeof value !== 'string') throw bad('is not a base64 string');
  let list: unknown;
  try {
    list = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    throw bad('is not base64 of JSON');
  }
  if (!Array.isArray(list)) throw bad('is not a list of cache records');
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) throw bad(`names ${diffIds.length} diff IDs for ${manifest.layers.length} layers`);
  const records: ExportedRecord[] = [];
  let foreign = 0;
  for (const [i, raw] of list.entries()) {
    if (!isObject(raw)) throw bad(`record ${i} is not an object`);
    const digest = parseDigest(raw['digest'], `${where}: inline cache record ${i}`, 'STORE');
    const results = raw['layers'] ?? [];
    if (!Array.isArray(results) || !results.every((r) => isObject(r) && Number.isSafeInteger(r['layer']) && (r['layer'] as number) >= 0 && (r['layer'] as number) < diffIds.length)) {
      throw bad(`record ${i} names a layer the image does not have`);
    }
    const ours = raw[TSBUILD_FIELD];
    if (ours === undefined) {
      foreign++;
      continue;
    }
    if (!isObject(ours) || typeof ours['layer'] !== 'boolean' || results.length > 1 || (ours['layer'] && results.length === 0)) throw bad(`record ${i} is malformed`);
    const result = results[0] as { layer: number; createdAt?: unknown } | undefined;
    const top = result?.layer ?? -1;
    const layer = ours['layer'] ? manifest.layers[top]! : undefined;
    const exported: ExportedRecord = {
      key: digest,
      result: {
        diffIds: diffIds.slice(0, top + 1),
        ...(layer ? { layer: { mediaType: layer.mediaType, digest: layer.digest, size: layer.size, diffId: diffIds[top]! } } : {}),
        ...(typeof result?.createdAt === 'string' ? { created: result.createdAt } : {}),
        ...(ours['key'] !== undefined ? { key: ours['key'] as string } : {}),
      },
    };
    parseCacheRecord(exported, `${where}: inline cache record ${i}`);
    records.push(exported);
  }
  return { records, foreign };
}

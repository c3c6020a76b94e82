// `--cache-from type=registry,ref=R` where R is a cache BuildKit exported (buildkit-cache.ts):
// checked with the same bounds as any remote document, then reported as unusable by tsbuild.
import { TsbuildError } from '../../errors.js';
import type { ContentStore } from '../../oci/index.js';
import { isIndexType } from '../../oci/index.js';
import type { RegistryClient } from '../../registry/index.js';
import { parseIndex, parseManifest, type Descriptor } from '../../spec/index.js';
import { buildkitCacheConfigOf, countBuildkitRecords } from '../buildkit-cache.js';

const CONFIG_LIMIT = 64 * 1024 * 1024;

/** Throws NOT_FOUND naming the BuildKit cache when the fetched document is one; returns otherwise. */
export async function refuseBuildkitCache(
  client: RegistryClient, repo: string, top: { descriptor: Descriptor; bytes: Buffer }, store: ContentStore, where: string,
): Promise<void> {
  const document = isIndexType(top.descriptor.mediaType)
    ? parseIndex(top.bytes, { where, code: 'REGISTRY' })
    : parseManifest(top.bytes, { where, code: 'REGISTRY' });
  const config = buildkitCacheConfigOf(document);
  if (!config) return;
  if (config.size > CONFIG_LIMIT) throw new TsbuildError('REGISTRY', `${where}: BuildKit cache config is larger than ${CONFIG_LIMIT} bytes`);
  await client.fetchBlob(repo, config, store);
  const records = countBuildkitRecords(await store.read(config.digest), where);
  const layout = isIndexType(top.descriptor.mediaType) ? 'image-manifest=false' : 'image-manifest=true';
  throw new TsbuildError('NOT_FOUND', `${where} is a BuildKit cache (${layout}; ${records} records keyed by BuildKit's LLB digests, which tsbuild's cache keys never equal)`);
}

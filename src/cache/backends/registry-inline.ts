// `--cache-from type=registry,ref=IMAGE` where IMAGE is an image, not a cache manifest: its inline
// cache (inline-cache.ts), read from the config of the image or of each platform of an index.
import { TsbuildError } from '../../errors.js';
import type { ContentStore } from '../../oci/index.js';
import { isIndexType } from '../../oci/index.js';
import type { RegistryClient } from '../../registry/index.js';
import { parseConfig, parseIndex, parseManifest, type Descriptor } from '../../spec/index.js';
import type { CacheConfig, ExportedRecord } from '../cache-manifest.js';
import { parseInlineCache } from '../inline-cache.js';

/** An image config is small; this bounds what a hostile registry can make us read. */
const CONFIG_LIMIT = 8 * 1024 * 1024;
/** Platforms read from one index (attestation manifests are skipped). */
const MAX_PLATFORMS = 16;

export async function inlineCacheOf(
  client: RegistryClient, repo: string, top: { descriptor: Descriptor; bytes: Buffer }, store: ContentStore, where: string,
): Promise<CacheConfig> {
  const manifests: Buffer[] = [];
  if (isIndexType(top.descriptor.mediaType)) {
    const children = parseIndex(top.bytes, { where, code: 'REGISTRY' }).manifests
      .filter((m) => m.platform?.os !== 'unknown')
      .slice(0, MAX_PLATFORMS);
    for (const child of children) manifests.push((await client.getManifest(repo, child.digest)).bytes);
  } else {
    manifests.push(top.bytes);
  }
  const records: ExportedRecord[] = [];
  let found = false;
  let foreign = 0;
  for (const bytes of manifests) {
    const manifest = parseManifest(bytes, { where, code: 'REGISTRY' });
    if (manifest.config.size > CONFIG_LIMIT) throw new TsbuildError('REGISTRY', `${where}: image config is larger than ${CONFIG_LIMIT} bytes`);
    await client.fetchBlob(repo, manifest.config, store);
    const config = parseConfig(await store.read(manifest.config.digest), { where: `${where}: config`, code: 'REGISTRY' });
    const inline = parseInlineCache(manifest, config, where);
    if (!inline) continue;
    found = true;
    records.push(...inline.records);
    foreign += inline.foreign;
  }
  if (!found) {
    throw new TsbuildError('NOT_FOUND', `${where} is an image without an inline cache (build it with a cache export of type=inline)`, {
      cliHint: '--cache-to type=inline',
    });
  }
  if (records.length === 0 && foreign > 0) {
    throw new TsbuildError('NOT_FOUND', `${where}: its inline cache is BuildKit's (${foreign} records keyed by BuildKit's LLB digests, which tsbuild's cache keys never equal)`);
  }
  return { version: 1, records };
}

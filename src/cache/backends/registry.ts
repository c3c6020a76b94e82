// `type=registry,ref=REGISTRY/REPO:TAG`: the cache is a manifest in a registry repository, reached
// with the build's registry settings (mirrors, insecure registries, credentials).
import { TsbuildError } from '../../errors.js';
import type { Descriptor } from '../../oci/index.js';
import type { CacheBackendFactory } from '../backend.js';

export interface RegistryCacheLocation {
  type: 'registry';
  ref: string;
}

export const registryCache: CacheBackendFactory<RegistryCacheLocation> = {
  parseLocation(fields, flag) {
    if (!fields.ref) throw new TsbuildError('USAGE', `${flag} type=registry needs ref=REGISTRY/REPO:TAG`);
    return { type: 'registry', ref: fields.ref };
  },

  open(location, env) {
    // Loaded on use: the CLI parses cache flags without loading the HTTP client.
    const connect = async () => {
      const [{ RegistryClient }, { manifestReference, parseReference }, { parseManifest }, { parseCacheConfig, CACHE_CONFIG_MEDIA_TYPE }, { isManifestType }] = await Promise.all([
        import('../../registry/client.js'), import('../../spec/reference.js'), import('../../spec/documents.js'), import('../cache-manifest.js'),
        import('../../oci/image.js'),
      ]);
      const ref = parseReference(location.ref);
      return { client: new RegistryClient(ref.domain, env.registry), ref, manifestReference, parseManifest, parseCacheConfig, CACHE_CONFIG_MEDIA_TYPE, isManifestType };
    };
    return {
      description: location.ref,
      async import(store) {
        const { client, ref, manifestReference, parseManifest, parseCacheConfig, CACHE_CONFIG_MEDIA_TYPE, isManifestType } = await connect();
        const fetched = await client.getManifest(ref.path, manifestReference(ref));
        const fetchBlob = (descriptor: Descriptor) => client.fetchBlob(ref.path, descriptor, store);
        const manifest = isManifestType(fetched.descriptor.mediaType) ? parseManifest(fetched.bytes, { where: `cache ${location.ref}`, code: 'REGISTRY' }) : undefined;
        if (manifest?.config.mediaType !== CACHE_CONFIG_MEDIA_TYPE) {
          const { refuseBuildkitCache } = await import('./registry-buildkit.js');
          await refuseBuildkitCache(client, ref.path, fetched, store, location.ref);
          // An image (or index), as BuildKit's `--cache-from IMAGE`: its inline cache.
          const { inlineCacheOf } = await import('./registry-inline.js');
          return { config: await inlineCacheOf(client, ref.path, fetched, store, location.ref), fetchBlob };
        }
        await client.fetchBlob(ref.path, manifest.config, store);
        const config = parseCacheConfig(await store.read(manifest.config.digest), location.ref);
        return { config, fetchBlob };
      },
      async export(store, { manifest, blobs }) {
        const { client, ref } = await connect();
        for (const blob of blobs) await client.uploadBlob(ref.path, blob, () => store.open(blob.digest));
        await client.putManifest(ref.path, ref.tag ?? 'latest', manifest, await store.read(manifest.digest));
      },
    };
  },
};

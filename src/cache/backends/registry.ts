// `type=registry,ref=REGISTRY/REPO:TAG`: the cache is a manifest in a registry repository, reached
// with the build's registry settings (mirrors, insecure registries, credentials).
import { TsbuildError } from '../../errors.js';
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
      const [{ RegistryClient }, { manifestReference, parseReference }, { parseManifest }, { parseCacheConfig }] = await Promise.all([
        import('../../registry/client.js'), import('../../spec/reference.js'), import('../../spec/documents.js'), import('../cache-manifest.js'),
      ]);
      const ref = parseReference(location.ref);
      return { client: new RegistryClient(ref.domain, env.registry), ref, manifestReference, parseManifest, parseCacheConfig };
    };
    return {
      description: location.ref,
      async import(store) {
        const { client, ref, manifestReference, parseManifest, parseCacheConfig } = await connect();
        const fetched = await client.getManifest(ref.path, manifestReference(ref));
        const manifest = parseManifest(fetched.bytes, { where: `cache ${location.ref}`, code: 'REGISTRY' });
        await client.fetchBlob(ref.path, manifest.config, store);
        const config = parseCacheConfig(await store.read(manifest.config.digest), location.ref);
        return { config, fetchBlob: (descriptor) => client.fetchBlob(ref.path, descriptor, store) };
      },
      async export(store, { manifest, blobs }) {
        const { client, ref } = await connect();
        for (const blob of blobs) await client.uploadBlob(ref.path, blob, () => store.open(blob.digest));
        await client.putManifest(ref.path, ref.tag ?? 'latest', manifest, await store.read(manifest.digest));
      },
    };
  },
};

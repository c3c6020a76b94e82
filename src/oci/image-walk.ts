// Collects every blob an image needs (index, manifests, configs, layers), for exports and rmi.
import type { ContentStore } from './content-store.js';
import { isIndexType, isManifestType, readIndex, readManifest } from './image.js';
import type { Descriptor, Digest } from '../spec/index.js';

/** Descriptors of all blobs reachable from `root`, each once, parents before children. */
export async function reachableBlobs(store: ContentStore, roots: Descriptor[]): Promise<Descriptor[]> {
  const seen = new Map<Digest, Descriptor>();
  const visit = async (descriptor: Descriptor): Promise<void> => {
    if (seen.has(descriptor.digest)) return;
    seen.set(descriptor.digest, descriptor);
    if (isIndexType(descriptor.mediaType)) {
      for (const child of (await readIndex(store, descriptor)).manifests) {
        if (await store.has(child.digest)) await visit(child);
      }
      return;
    }
    if (isManifestType(descriptor.mediaType)) {
      const manifest = await readManifest(store, descriptor);
      seen.set(manifest.config.digest, manifest.config);
      for (const layer of manifest.layers) seen.set(layer.digest, layer);
    }
  };
  for (const root of roots) await visit(root);
  return [...seen.values()];
}

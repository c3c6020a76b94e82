// The image's layers as snapshots: each unpacked once under <root>/snapshots, never copied per run.
import { TsbuildError } from '../errors.js';
import type { SnapshotStore } from '../snapshots/index.js';
import { chainIds } from '../oci/index.js';
import type { ContentStore, ResolvedImage, Digest } from '../oci/index.js';

export interface ImageLayers {
  /** Chain IDs, bottom layer first (for SnapshotStore.prepareRootfs). */
  chainIds: Digest[];
  /** Snapshot directories, top-most first (overlayfs lowerdir order). */
  lowerdirs: string[];
}

/** Unpacks whatever layers of the image are not snapshots yet and returns their directories. */
export async function imageLayers(snapshots: SnapshotStore, store: ContentStore, image: ResolvedImage): Promise<ImageLayers> {
  const diffIds = image.config.rootfs?.diff_ids ?? [];
  const layers = image.manifest.layers;
  if (diffIds.length !== layers.length) {
    throw new TsbuildError('STORE', `image ${image.descriptor.digest} is inconsistent: ${layers.length} layers but ${diffIds.length} diff IDs in its config`);
  }
  const chain = chainIds(diffIds);
  const dirs: string[] = [];
  for (const [i, layer] of layers.entries()) {
    const chainId = chain[i] as Digest;
    dirs.push(await snapshots.ensureLayer(chainId, diffIds[i] as Digest, () => store.open(layer.digest)));
  }
  return { chainIds: chain, lowerdirs: dirs.reverse() };
}

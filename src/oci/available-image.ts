// The part of a multi-platform image that is in the local store. `pull` fetches one platform of
// an index, so `save` and `push` of it follow Docker's rule for a partly pulled image (moby#44833):
// everything present = the index as it is; one platform present = that platform's manifest alone;
// several = a new index of just those. Callers warn about what was left out.
import { TsbuildError } from '../errors.js';
import type { ContentStore } from './content-store.js';
import { isIndexType, isManifestType, putJson, readIndex, readManifest } from './image.js';
import { formatPlatform } from '../spec/index.js';
import type { Descriptor } from '../spec/index.js';

export interface AvailableImage {
  /** What to save or push: the image itself, a narrower index, or one platform's manifest. */
  descriptor: Descriptor;
  /** Index entries kept (all of them when nothing is missing). */
  kept: Descriptor[];
  /** Index entries left out because their content is not in the store. */
  missing: Descriptor[];
}

export async function availableImage(store: ContentStore, top: Descriptor, name: string = top.digest): Promise<AvailableImage> {
  if (!isIndexType(top.mediaType)) return { descriptor: top, kept: [top], missing: [] };
  const index = await readIndex(store, top);
  const present: Descriptor[] = [];
  const missing: Descriptor[] = [];
  for (const child of index.manifests) (await isComplete(store, child) ? present : missing).push(child);
  if (missing.length === 0) return { descriptor: top, kept: present, missing };
  if (present.length === 0) {
    throw new TsbuildError('NOT_FOUND', `no platform of ${name} is complete in the local store (pull it again)`);
  }
  if (present.length === 1) return { descriptor: present[0]!, kept: present, missing };
  const narrowed = await putJson(store, top.mediaType, { ...index, manifests: present });
  return { descriptor: narrowed, kept: present, missing };
}

/** The warning for what `availableImage` left out; `action` is what the caller does (`saving`). */
export function describeMissing(name: string, available: AvailableImage, action: string): string {
  const platforms = (list: Descriptor[]) => list.map((d) => (d.platform ? formatPlatform(d.platform) : d.digest)).join(', ');
  return `${name}: not every platform of this multi-platform image is in the local store; ${action} ${platforms(available.kept)} only`
    + ` (left out: ${platforms(available.missing)}; pull them for those platforms to include them)`;
}

/** True when a manifest and its config and layers (or every child of a nested index) are stored. */
async function isComplete(store: ContentStore, descriptor: Descriptor): Promise<boolean> {
  if (!(await store.has(descriptor.digest))) return false;
  if (isIndexType(descriptor.mediaType)) {
    const index = await readIndex(store, descriptor);
    for (const child of index.manifests) if (!(await isComplete(store, child))) return false;
    return true;
  }
  if (!isManifestType(descriptor.mediaType)) return true;
  const manifest = await readManifest(store, descriptor);
  for (const blob of [manifest.config, ...manifest.layers]) if (!(await store.has(blob.digest))) return false;
  return true;
}

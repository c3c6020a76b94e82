// What the verbs open under a root: the content store, the image names and the root's layout.
import { DiskContentStore } from '../oci/disk-store.js';
import { ImageNames } from '../oci/image-names.js';
import { LocalImages } from '../oci/local-images.js';
import { parsePlatform } from '../spec/platform.js';
import type { Platform } from '../spec/index.js';
import type { PlatformInput, RootOptions } from './options.js';

export function openImages(options: RootOptions): Promise<LocalImages> {
  return LocalImages.open(options.root);
}

export async function openStores(options: RootOptions) {
  const store = await DiskContentStore.open(options.root);
  return { layout: store.layout, store, names: new ImageNames(store.layout) };
}

export function platformOf(input: PlatformInput | undefined): Platform | undefined {
  return typeof input === 'string' ? parsePlatform(input) : input;
}

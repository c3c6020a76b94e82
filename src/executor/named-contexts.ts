// `--build-context` sources made ready for planning, as buildx and BuildKit's dockerui take them:
// images by reference, directories and URLs as file trees (see planner/named-context.ts), and an
// OCI layout's image by digest under the context's name (stored and provided when building; a
// plan without a store only reads the layout's index). `build`, `plan` and `check` all use this.
import { statSync } from 'node:fs';
import path from 'node:path';
import { TsbuildError } from '../errors.js';
import { CONTAINERD_NAME, REF_NAME, isDigest, loadArchive, readLayoutIndex, type ContentStore, type Descriptor } from '../oci/index.js';
import type { NamedFiles } from '../planner/index.js';
import type { BaseImages } from './base-images.js';
import type { NamedContext } from './options.js';

export interface PlannedNamedContexts {
  namedImages: Record<string, string>;
  namedFiles: Record<string, NamedFiles>;
}

/** Where an OCI layout's image goes: into the store, and provided to the base-image resolver. */
export interface LayoutImageSink {
  store: ContentStore;
  baseImages: BaseImages;
}

export async function prepareNamedContexts(contexts: Record<string, NamedContext> = {}, sink?: LayoutImageSink): Promise<PlannedNamedContexts> {
  const planned: PlannedNamedContexts = { namedImages: {}, namedFiles: {} };
  for (const [name, named] of Object.entries(contexts)) {
    if ('image' in named) planned.namedImages[name] = named.image;
    else if ('url' in named) planned.namedFiles[name] = { kind: 'url', url: named.url };
    else if ('dir' in named) {
      requireDirectory(name, named.dir);
      planned.namedFiles[name] = { kind: 'dir' };
    } else {
      requireDirectory(name, named.ociLayout);
      const descriptor = await layoutImage(named.ociLayout, named.digest, named.tag, sink?.store);
      // BuildKit's reference for it: the context's name pinned to the digest.
      const reference = `${name}@${descriptor.digest}`;
      sink?.baseImages.provide(reference, descriptor);
      planned.namedImages[name] = reference;
    }
  }
  return planned;
}

function requireDirectory(name: string, dir: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (error) {
    throw new TsbuildError('NOT_FOUND', `--build-context ${name}: failed to get build context path ${path.resolve(dir)}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`);
  }
  if (!isDirectory) throw new TsbuildError('USAGE', `--build-context ${name}: build context path ${path.resolve(dir)} is not a directory`);
}

/**
 * Picks the layout's image: by digest, else the index entry named `tag` (default `latest`), else
 * the layout's only image, as buildx's resolveDigest does. With a store, the layout's blobs are
 * stored first (each verified) and a digest must name one of them.
 */
async function layoutImage(dir: string, digest: string | undefined, tag = 'latest', store?: ContentStore): Promise<Descriptor> {
  if (digest !== undefined && !isDigest(digest)) throw new TsbuildError('USAGE', `oci-layout reference ${dir}@${digest}: invalid digest`);
  const index = await readLayoutIndex(dir);
  if (store) await loadArchive(store, dir);
  if (digest !== undefined) {
    const listed = index.manifests.find((m) => m.digest === digest);
    if (listed) return listed;
    if (!store) return { mediaType: '', digest, size: 0 };
    const info = await store.stat(digest);
    if (!info) throw new TsbuildError('NOT_FOUND', `oci-layout ${dir}: no blob ${digest}`);
    return { mediaType: '', digest, size: info.size };
  }
  const tagged = index.manifests.find((m) => m.annotations?.[CONTAINERD_NAME] === tag || m.annotations?.[REF_NAME] === tag);
  if (tagged) return tagged;
  if (index.manifests.length === 1) return index.manifests[0]!;
  throw new TsbuildError('NOT_FOUND', `oci-layout ${dir}: no image tagged ${tag} among its ${index.manifests.length} images`);
}

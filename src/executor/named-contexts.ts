// `--build-context` sources made ready for planning, as buildx and BuildKit's dockerui take them:
// images by reference, directories and URLs as file trees (see planner/named-context.ts), and an
// OCI layout's image stored and provided by digest under the context's name.
import { statSync } from 'node:fs';
import path from 'node:path';
import { TsbuildError } from '../errors.js';
import { CONTAINERD_NAME, REF_NAME, isDigest, loadArchive, readLayoutIndex, type Descriptor } from '../oci/index.js';
import type { NamedFiles } from '../planner/index.js';
import type { BuildContext } from './context.js';

export interface PlannedNamedContexts {
  namedImages: Record<string, string>;
  namedFiles: Record<string, NamedFiles>;
}

export async function prepareNamedContexts(ctx: BuildContext): Promise<PlannedNamedContexts> {
  const planned: PlannedNamedContexts = { namedImages: {}, namedFiles: {} };
  for (const [name, named] of Object.entries(ctx.options.buildContexts ?? {})) {
    if ('image' in named) planned.namedImages[name] = named.image;
    else if ('url' in named) planned.namedFiles[name] = { kind: 'url', url: named.url };
    else if ('dir' in named) {
      requireDirectory(name, named.dir);
      planned.namedFiles[name] = { kind: 'dir' };
    } else {
      requireDirectory(name, named.ociLayout);
      const descriptor = await storeLayoutImage(ctx, named.ociLayout, named.digest, named.tag);
      // BuildKit's reference for it: the context's name pinned to the digest.
      const reference = `${name}@${descriptor.digest}`;
      ctx.baseImages.provide(reference, descriptor);
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
 * Stores the layout's blobs (each verified) and picks its image: by digest, else the index entry
 * named `tag` (default `latest`), else the layout's only image, as buildx's resolveDigest does.
 */
async function storeLayoutImage(ctx: BuildContext, dir: string, digest: string | undefined, tag = 'latest'): Promise<Descriptor> {
  if (digest !== undefined && !isDigest(digest)) throw new TsbuildError('USAGE', `oci-layout reference ${dir}@${digest}: invalid digest`);
  const index = await readLayoutIndex(dir);
  await loadArchive(ctx.store, dir);
  if (digest !== undefined) {
    const listed = index.manifests.find((m) => m.digest === digest);
    if (listed) return listed;
    const info = await ctx.store.stat(digest);
    if (!info) throw new TsbuildError('NOT_FOUND', `oci-layout ${dir}: no blob ${digest}`);
    return { mediaType: '', digest, size: info.size };
  }
  const tagged = index.manifests.find((m) => m.annotations?.[CONTAINERD_NAME] === tag || m.annotations?.[REF_NAME] === tag);
  if (tagged) return tagged;
  if (index.manifests.length === 1) return index.manifests[0]!;
  throw new TsbuildError('NOT_FOUND', `oci-layout ${dir}: no image tagged ${tag} among its ${index.manifests.length} images`);
}

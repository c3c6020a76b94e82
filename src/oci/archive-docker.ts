// Saves images as a docker-archive tarball (`manifest.json`, config JSON, layer blobs,
// `repositories`), the format `docker load`, `podman load` and skopeo's docker-archive read.
// With a `layout`, the tarball is also an OCI layout (`index.json`, blobs/sha256), as BuildKit's
// docker exporter writes it: the index keeps what manifest.json cannot, attestation manifests.
// Stored images that carry attestations are saved so without being asked.
import type { ArchiveEntry } from './archive-tar.js';
import { writeTarArchive } from './archive-tar.js';
import { layoutEntries, layoutIndex, type ImageToSave } from './archive-oci.js';
import { reachableBlobs } from './image-walk.js';
import type { ContentStore } from './content-store.js';
import { digestHex } from './digest.js';
import { isIndexType, readIndex, resolveImage } from './image.js';
import { familiarName, isAttestationManifest, parseReference } from '../spec/index.js';
import type { Descriptor, Platform } from '../spec/index.js';

/** One element of `manifest.json`. */
export interface DockerArchiveManifest {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

export async function saveDockerArchive(
  store: ContentStore, images: ImageToSave[], output: string | NodeJS.WritableStream, platform?: Platform, layout?: ImageToSave[],
): Promise<void> {
  const manifests: DockerArchiveManifest[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  const blobs = new Map<string, Descriptor>();
  layout ??= (await carryAttestations(store, images)) ? images : undefined;
  for (const image of images) {
    const resolved = await resolveImage(store, image.descriptor, platform);
    const path = (d: Descriptor) => (layout ? `blobs/sha256/${digestHex(d.digest)}` : dockerArchivePath(d, d === resolved.manifest.config));
    for (const d of [resolved.manifest.config, ...resolved.manifest.layers]) blobs.set(path(d), d);
    const repoTag = dockerRepoTag(image.name);
    const existing = manifests.find((m) => m.Config === path(resolved.manifest.config));
    if (existing && repoTag) existing.RepoTags = [...(existing.RepoTags ?? []), repoTag.text];
    if (!existing) {
      manifests.push({ Config: path(resolved.manifest.config), RepoTags: repoTag ? [repoTag.text] : null, Layers: resolved.manifest.layers.map(path) });
    }
    if (repoTag) (repositories[repoTag.repository] ??= {})[repoTag.tag] = digestHex(resolved.manifest.config.digest);
  }
  const oci = layout ? layoutEntries(layoutIndex(layout), await reachableBlobs(store, layout.map((image) => image.descriptor))) : [];
  const inLayout = new Set(oci.map((entry) => entry.name));
  const entries: ArchiveEntry[] = [
    ...oci,
    ...[...blobs].filter(([name]) => !inLayout.has(name)).map(([name, d]): ArchiveEntry => ({ kind: 'blob', name, digest: d.digest, size: d.size })),
    { kind: 'bytes', name: 'manifest.json', bytes: Buffer.from(JSON.stringify(manifests)) },
    { kind: 'bytes', name: 'repositories', bytes: Buffer.from(JSON.stringify(repositories)) },
  ];
  await writeTarArchive(store, entries, output);
}

/** True when an image to save is an index with attestation manifests, which manifest.json cannot hold. */
async function carryAttestations(store: ContentStore, images: ImageToSave[]): Promise<boolean> {
  for (const { descriptor } of images) {
    if (isIndexType(descriptor.mediaType) && (await readIndex(store, descriptor)).manifests.some(isAttestationManifest)) return true;
  }
  return false;
}

/** Docker's classic names: `<config hex>.json`, and `<hex>.tar` / `<hex>.tar.gz` for layers. */
function dockerArchivePath(descriptor: Descriptor, isConfig: boolean): string {
  const hex = digestHex(descriptor.digest);
  if (isConfig) return `${hex}.json`;
  return descriptor.mediaType.endsWith('gzip') ? `${hex}.tar.gz` : `${hex}.tar`;
}

/** `busybox:latest` for Docker's RepoTags; images saved by digest only get no tag. */
function dockerRepoTag(name: string | undefined): { text: string; repository: string; tag: string } | undefined {
  if (!name) return undefined;
  const ref = parseReference(name);
  if (!ref.tag) return undefined;
  const repository = familiarName(ref);
  return { text: `${repository}:${ref.tag}`, repository, tag: ref.tag };
}

// Saves images as an OCI image layout: a directory or a tar of `oci-layout`, `index.json`
// (names in `org.opencontainers.image.ref.name` and `io.containerd.image.name`) and blobs/.
// The one place layouts are written (image exports, `save`, the local build cache) and read back
// as a directory (the local build cache).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream, existsSync } from 'node:fs';
import type { ArchiveEntry } from './archive-tar.js';
import { writeTarArchive } from './archive-tar.js';
import type { ContentStore } from './content-store.js';
import { digestHex } from './digest.js';
import { distributableImage } from './distribution.js';
import { parseIndex, parseReference, MediaType, type Descriptor, type Digest, type ImageIndex } from '../spec/index.js';
import { reachableBlobs } from './image-walk.js';
import { writeAtomically } from '../fs/index.js';

const OCI_LAYOUT = JSON.stringify({ imageLayoutVersion: '1.0.0' });
export const REF_NAME = 'org.opencontainers.image.ref.name';
export const CONTAINERD_NAME = 'io.containerd.image.name';

export interface ImageToSave {
  /** Full normalised reference, e.g. `docker.io/library/busybox:latest`; none for digest-only. */
  name?: string;
  descriptor: Descriptor;
}

/** The `index.json` of a layout holding `images`; ref.name is the tag, as skopeo and umoci expect. */
export function layoutIndex(images: ImageToSave[]): ImageIndex {
  const manifests = images.map(({ name, descriptor }) => {
    if (!name) return descriptor;
    const tag = parseReference(name).tag;
    const annotations = { [CONTAINERD_NAME]: name, ...(tag ? { [REF_NAME]: tag } : {}) };
    return { ...descriptor, annotations: { ...descriptor.annotations, ...annotations } };
  });
  return { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests };
}

async function ociLayoutEntries(store: ContentStore, saved: ImageToSave[]): Promise<ArchiveEntry[]> {
  const images: ImageToSave[] = [];
  for (const image of saved) images.push({ ...image, descriptor: await distributableImage(store, image.descriptor) });
  return layoutEntries(layoutIndex(images), await reachableBlobs(store, images.map((image) => image.descriptor)));
}

export function layoutEntries(index: ImageIndex, blobs: Descriptor[]): ArchiveEntry[] {
  return [
    { kind: 'bytes', name: 'oci-layout', bytes: Buffer.from(OCI_LAYOUT) },
    { kind: 'bytes', name: 'index.json', bytes: Buffer.from(JSON.stringify(index)) },
    { kind: 'directory', name: 'blobs' },
    { kind: 'directory', name: 'blobs/sha256' },
    ...blobs.map((b): ArchiveEntry => ({ kind: 'blob', name: `blobs/sha256/${digestHex(b.digest)}`, digest: b.digest, size: b.size })),
  ];
}

export async function saveOciArchive(store: ContentStore, images: ImageToSave[], output: string | NodeJS.WritableStream): Promise<void> {
  await writeTarArchive(store, await ociLayoutEntries(store, images), output);
}

/**
 * Writes an OCI layout directory: a new one is made beside `dir` and renamed into place when
 * complete; an existing one gets the blobs first, each renamed into place once verified, and its
 * `index.json` last, so a failure leaves it as valid as it was.
 */
export async function saveOciDirectory(store: ContentStore, images: ImageToSave[], dir: string): Promise<void> {
  await writeLayoutDirectory(store, await ociLayoutEntries(store, images), dir);
}

/** Writes a layout directory of `index` and the given blobs of `store` (as saveOciDirectory does). */
export async function writeOciLayout(store: ContentStore, dir: string, index: ImageIndex, blobs: Descriptor[]): Promise<void> {
  await writeLayoutDirectory(store, layoutEntries(index, blobs), dir);
}

async function writeLayoutDirectory(store: ContentStore, entries: ArchiveEntry[], dir: string): Promise<void> {
  if (!existsSync(dir)) return writeAtomically(dir, (temp) => writeLayoutEntries(store, entries, temp));
  await writeLayoutEntries(store, entries, dir);
}

/** The `index.json` of a layout directory, validated. */
export async function readLayoutIndex(dir: string): Promise<ImageIndex> {
  return parseIndex(await readFile(join(dir, 'index.json')), { where: `${dir}: index.json` });
}

export function layoutBlobPath(dir: string, digest: Digest): string {
  return join(dir, 'blobs', 'sha256', digestHex(digest));
}

async function writeLayoutEntries(store: ContentStore, entries: ArchiveEntry[], dir: string): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const blobsFirst = [...entries.filter((e) => e.kind === 'blob'), ...entries.filter((e) => e.kind === 'bytes')];
  for (const entry of blobsFirst) {
    const target = join(dir, entry.name);
    if (entry.kind === 'bytes') await writeAtomically(target, (temp) => writeFile(temp, entry.bytes));
    // Streamed through the store, not copied: a rotten blob fails here instead of being exported.
    else if (entry.kind === 'blob') await writeAtomically(target, async (temp) => pipeline(await store.open(entry.digest), createWriteStream(temp)));
  }
}

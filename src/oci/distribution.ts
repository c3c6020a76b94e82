// Images are built with uncompressed layers: the local store never needs them compressed
// (DESIGN: never compress what only the local store needs). Before an image leaves the machine
// (push, OCI archive, exported cache) its layers are gzipped once; the gzip variant of each layer
// is remembered under <root>/cache/compressed so the next push or export reuses it.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repointAttestations } from './attestations.js';
import type { ContentStore } from './content-store.js';
import { digestHex } from './digest.js';
import { DiskContentStore } from './disk-store.js';
import { isIndexType, isManifestType, putJson, readIndex, readManifest } from './image.js';
import { DEFAULT_GZIP_LEVEL, gzipStream } from './layer-compress.js';
import { tempPathBeside } from '../fs/index.js';
import { parseDescriptor, MediaType, type Descriptor, type ImageIndex, type ImageManifest } from '../spec/index.js';

const GZIP_OF: Record<string, string> = {
  [MediaType.OciLayer]: MediaType.OciLayerGzip,
  'application/vnd.docker.image.rootfs.diff.tar': MediaType.DockerLayerGzip,
};

function isUncompressedLayer(layer: Descriptor): boolean {
  return layer.mediaType in GZIP_OF;
}

/** The image (manifest or index) with every uncompressed layer gzipped; unchanged if none is. */
export async function distributableImage(store: ContentStore, top: Descriptor): Promise<Descriptor> {
  if (isIndexType(top.mediaType)) {
    const index = await readIndex(store, top);
    const converted = await Promise.all(index.manifests.map((child) => distributableImage(store, child)));
    if (converted.every((child, i) => child.digest === index.manifests[i].digest)) return top;
    const moved = new Map(index.manifests.map((child, i) => [child.digest, converted[i]]));
    const children = await repointAttestations(store, converted, moved);
    const rewritten: ImageIndex = { ...index, manifests: children };
    const { platform, annotations } = top;
    return { ...(await putJson(store, top.mediaType, rewritten)), ...(platform ? { platform } : {}), ...(annotations ? { annotations } : {}) };
  }
  if (!isManifestType(top.mediaType)) return top;
  const manifest = await readManifest(store, top);
  if (!manifest.layers.some(isUncompressedLayer)) return top;
  const layers: Descriptor[] = [];
  for (const layer of manifest.layers) layers.push(await compressedLayer(store, layer));
  const converted: ImageManifest = { ...manifest, layers };
  const { platform, annotations } = top;
  return { ...(await putJson(store, top.mediaType, converted)), ...(platform ? { platform } : {}), ...(annotations ? { annotations } : {}) };
}

/** Compressions running in this process, per store and layer: each layer is gzipped once. */
const inFlight = new WeakMap<ContentStore, Map<string, Promise<Descriptor>>>();

/**
 * The gzip variant of a layer blob (the blob itself when it is not an uncompressed tar). Two
 * processes may compress the same layer at once; both store the same bytes (the block gzip is
 * deterministic) and write the memo through their own temp file, so the race only costs time.
 */
export function compressedLayer(store: ContentStore, layer: Descriptor): Promise<Descriptor> {
  const mediaType = GZIP_OF[layer.mediaType];
  if (!mediaType) return Promise.resolve(layer);
  let running = inFlight.get(store);
  if (!running) inFlight.set(store, (running = new Map()));
  const key = `${layer.digest} ${mediaType}`;
  let pending = running.get(key);
  if (!pending) {
    pending = compressOnce(store, layer, mediaType).finally(() => running.delete(key));
    running.set(key, pending);
  }
  return pending;
}

async function compressOnce(store: ContentStore, layer: Descriptor, mediaType: string): Promise<Descriptor> {
  const remembered = await recall(store, layer);
  if (remembered && (await store.has(remembered.digest))) return remembered;
  const source = await store.open(layer.digest);
  const info = await store.put(gzipStream(source, DEFAULT_GZIP_LEVEL, 'parallel'));
  const descriptor: Descriptor = { mediaType, digest: info.digest, size: info.size };
  await remember(store, layer, descriptor);
  return descriptor;
}

/** The uncompressed media type of each compressed layer type a cache may hold. */
const UNCOMPRESSED_OF: Record<string, string> = {
  [MediaType.OciLayerGzip]: MediaType.OciLayer,
  [MediaType.OciLayerZstd]: MediaType.OciLayer,
  [MediaType.DockerLayerGzip]: 'application/vnd.docker.image.rootfs.diff.tar',
};

/**
 * A stored compressed layer as the local store holds built layers: uncompressed, at its diff ID
 * (checked). A layer imported from a cache so makes the same image as the build that exported it;
 * its gzip bytes are remembered as the layer's gzip variant, for a push or export to reuse.
 */
export async function uncompressedLayer(store: ContentStore, layer: Descriptor, diffId: Descriptor['digest']): Promise<Descriptor> {
  const mediaType = UNCOMPRESSED_OF[layer.mediaType];
  if (!mediaType) return layer;
  const { decompressed } = await import('./layer-apply-decompress.js');
  const info = await store.put(await decompressed(await store.open(layer.digest), ['gzip', 'zstd']), diffId);
  const uncompressed: Descriptor = { mediaType, digest: info.digest, size: info.size };
  if (GZIP_OF[mediaType] === layer.mediaType) await remember(store, uncompressed, { mediaType: layer.mediaType, digest: layer.digest, size: layer.size });
  return uncompressed;
}

function memoFile(store: ContentStore, layer: Descriptor): string | undefined {
  if (!(store instanceof DiskContentStore)) return undefined;
  return path.join(store.layout.cache, 'compressed', `${digestHex(layer.digest)}.json`);
}

async function recall(store: ContentStore, layer: Descriptor): Promise<Descriptor | undefined> {
  const file = memoFile(store, layer);
  if (!file) return undefined;
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return parseDescriptor(JSON.parse(text), { where: file });
  } catch {
    return undefined; // a torn or foreign memo is as good as none: the layer is compressed again
  }
}

async function remember(store: ContentStore, layer: Descriptor, compressed: Descriptor): Promise<void> {
  const file = memoFile(store, layer);
  if (!file) return;
  await mkdir(path.dirname(file), { recursive: true });
  const temp = tempPathBeside(file);
  try {
    await writeFile(temp, JSON.stringify(compressed));
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

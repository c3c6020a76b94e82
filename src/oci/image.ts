// Image configs, manifests and indexes in a content store: writing them (OCI media types by
// default, Docker's on request) and reading them back whichever of the two types they use.
import type { ContentStore } from './content-store.js';
import { declaredMediaType, parseConfig, parseIndex, parseManifest, hostPlatform, selectManifest, MediaType, type Descriptor, type ImageConfig, type ImageIndex, type ImageManifest, type Platform } from '../spec/index.js';

export type MediaTypeFamily = 'oci' | 'docker';

const MANIFEST_TYPES = new Set<string>([MediaType.OciManifest, MediaType.DockerManifest]);
const INDEX_TYPES = new Set<string>([MediaType.OciIndex, MediaType.DockerManifestList]);

export function isManifestType(mediaType: string): boolean {
  return MANIFEST_TYPES.has(mediaType);
}

export function isIndexType(mediaType: string): boolean {
  return INDEX_TYPES.has(mediaType);
}

/** Stores JSON exactly as serialised here; the digest is of these bytes. */
export async function putJson(store: ContentStore, mediaType: string, value: unknown): Promise<Descriptor> {
  const info = await store.put(Buffer.from(JSON.stringify(value)));
  return { mediaType, digest: info.digest, size: info.size };
}

export interface WriteImageInput {
  config: ImageConfig;
  /** Layer descriptors in order; their media types should match `mediaTypes`. */
  layers: Descriptor[];
  mediaTypes?: MediaTypeFamily;
  annotations?: Record<string, string>;
}

/** Writes config and manifest; returns the manifest descriptor (with the config's platform). */
export async function writeImage(store: ContentStore, input: WriteImageInput): Promise<Descriptor> {
  const docker = input.mediaTypes === 'docker';
  const config = await putJson(store, docker ? MediaType.DockerConfig : MediaType.OciConfig, input.config);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: docker ? MediaType.DockerManifest : MediaType.OciManifest,
    config,
    layers: input.layers,
    ...(input.annotations && !docker ? { annotations: input.annotations } : {}),
  };
  const descriptor = await putJson(store, manifest.mediaType!, manifest);
  return { ...descriptor, platform: platformOf(input.config) };
}

/** Writes an index of per-platform manifests (OCI index, or Docker manifest list). */
export async function writeIndex(
  store: ContentStore, manifests: Descriptor[], mediaTypes: MediaTypeFamily = 'oci', annotations?: Record<string, string>,
): Promise<Descriptor> {
  const mediaType = mediaTypes === 'docker' ? MediaType.DockerManifestList : MediaType.OciIndex;
  const index: ImageIndex = { schemaVersion: 2, mediaType, manifests, ...(annotations && mediaTypes !== 'docker' ? { annotations } : {}) };
  return putJson(store, mediaType, index);
}

export function platformOf(config: ImageConfig): Platform {
  return {
    architecture: config.architecture, os: config.os, ...(config.variant ? { variant: config.variant } : {}),
    ...(config['os.version'] ? { 'os.version': config['os.version'] } : {}),
    ...(config['os.features']?.length ? { 'os.features': config['os.features'] } : {}),
  };
}

export async function readManifest(store: ContentStore, descriptor: Descriptor): Promise<ImageManifest> {
  return parseManifest(await store.read(descriptor.digest), { where: `blob ${descriptor.digest}` });
}

export async function readIndex(store: ContentStore, descriptor: Descriptor): Promise<ImageIndex> {
  return parseIndex(await store.read(descriptor.digest), { where: `blob ${descriptor.digest}` });
}

export async function readConfig(store: ContentStore, descriptor: Descriptor): Promise<ImageConfig> {
  return parseConfig(await store.read(descriptor.digest), { where: `blob ${descriptor.digest}` });
}

export interface ResolvedImage {
  /** The manifest chosen (directly, or from an index by platform). */
  descriptor: Descriptor;
  manifest: ImageManifest;
  config: ImageConfig;
  /** The index it was selected from, if any. */
  index?: { descriptor: Descriptor; index: ImageIndex };
}

/** Follows a manifest or index descriptor to one platform's manifest and config. */
export async function resolveImage(store: ContentStore, descriptor: Descriptor, platform?: Platform): Promise<ResolvedImage> {
  const mediaType = descriptor.mediaType || (await sniffMediaType(store, descriptor));
  if (isIndexType(mediaType)) {
    const index = await readIndex(store, descriptor);
    const chosen = selectManifest(index, platform ?? hostPlatform());
    const resolved = await resolveImage(store, chosen, platform);
    return { ...resolved, index: { descriptor, index } };
  }
  const manifest = await readManifest(store, descriptor);
  return { descriptor, manifest, config: await readConfig(store, manifest.config) };
}

async function sniffMediaType(store: ContentStore, descriptor: Descriptor): Promise<string> {
  return declaredMediaType(await store.read(descriptor.digest), { where: `blob ${descriptor.digest}` }) ?? MediaType.OciManifest;
}

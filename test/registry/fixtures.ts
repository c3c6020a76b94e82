// Test images built directly in a content store: random layers, a config and a manifest, and
// multi-platform indexes of them.
import { randomBytes } from 'node:crypto';
import type { ContentStore } from '../../src/oci/content-store.js';
import { sha256Digest } from '../../src/oci/digest.js';
import { MediaType, type Descriptor, type ImageConfig, type ImageIndex, type ImageManifest, type Platform } from '../../src/spec/types.js';

export interface TestImage {
  descriptor: Descriptor;
  manifest: ImageManifest;
  layers: Buffer[];
}

async function putJson(store: ContentStore, mediaType: string, value: unknown): Promise<Descriptor> {
  const bytes = Buffer.from(JSON.stringify(value));
  const { digest, size } = await store.put(bytes);
  return { mediaType, digest, size };
}

/** An image whose layers are random bytes of the given sizes (registries do not look inside). */
export async function makeImage(
  store: ContentStore,
  layerSizes: number[],
  platform: Platform = { os: 'linux', architecture: 'amd64' },
  format: 'oci' | 'docker' = 'oci',
): Promise<TestImage> {
  const layers = layerSizes.map((size) => randomBytes(size));
  const layerDescriptors: Descriptor[] = [];
  for (const layer of layers) {
    const { digest, size } = await store.put(layer);
    layerDescriptors.push({ mediaType: format === 'oci' ? MediaType.OciLayerGzip : MediaType.DockerLayerGzip, digest, size });
  }
  const config: ImageConfig = {
    ...platform,
    config: { Cmd: ['/bin/sh'], Env: ['PATH=/usr/bin:/bin'] },
    rootfs: { type: 'layers', diff_ids: layerDescriptors.map((d) => d.digest) },
  };
  const configDescriptor = await putJson(store, format === 'oci' ? MediaType.OciConfig : MediaType.DockerConfig, config);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: format === 'oci' ? MediaType.OciManifest : MediaType.DockerManifest,
    config: configDescriptor,
    layers: layerDescriptors,
  };
  const descriptor = await putJson(store, manifest.mediaType as string, manifest);
  return { descriptor: { ...descriptor, platform }, manifest, layers };
}

/** An OCI index over images of several platforms. */
export async function makeIndex(store: ContentStore, images: TestImage[]): Promise<Descriptor> {
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: images.map((image) => image.descriptor),
  };
  return putJson(store, MediaType.OciIndex, index);
}

export function digestOf(bytes: Buffer): string {
  return sha256Digest(bytes);
}

/** Writes an OCI image layout (for skopeo `oci:` sources) holding `descriptor` and everything it references. */
export async function writeOciLayout(dir: string, store: ContentStore, descriptor: Descriptor, tag: string): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const copy = async (digest: string) => {
    const bytes = await store.read(digest as Descriptor['digest']);
    await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
    return bytes;
  };
  const visit = async (d: Descriptor): Promise<void> => {
    const parsed = JSON.parse((await copy(d.digest)).toString('utf8')) as Partial<ImageIndex & ImageManifest>;
    for (const child of parsed.manifests ?? []) await visit(child);
    if (parsed.config) await copy(parsed.config.digest);
    for (const layer of parsed.layers ?? []) await copy(layer.digest);
  };
  await visit(descriptor);
  const { platform: _platform, ...plain } = descriptor;
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const index = { schemaVersion: 2, manifests: [{ ...plain, annotations: { 'org.opencontainers.image.ref.name': tag } }] };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
}

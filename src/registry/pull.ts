// `pullImage`: resolve a reference, pick the platform's manifest from an index, and fetch the
// manifest, config and layers into the content store (layers in parallel), then name the image.
// A build pulls in two halves: the manifest and config while planning, the layers in the FROM step.
import { TsbuildError } from '../errors.js';
import type { ContentStore, ImageNames } from '../oci/index.js';
import { hostPlatform, selectManifest, formatReference, manifestReference, parseReference, type ImageReference, parseConfig, parseIndex, parseManifest } from '../spec/index.js';
import { MediaType, type Descriptor, type ImageManifest, type Platform } from '../oci/index.js';
import { BlobSources } from './blob-sources.js';
import { RegistryClient, type RegistryClientOptions } from './client.js';
import { transferEach, type ProgressCallback } from './progress.js';

export interface PullOptions extends RegistryClientOptions {
  store: ContentStore;
  /** Where to record the pulled name; omitted = only the blobs are stored. */
  names?: Pick<ImageNames, 'set'>;
  /** Platform to select from an index (default: this host's). */
  platform?: Platform;
  onProgress?: ProgressCallback;
  /** Layers downloaded at once (default 3, like Docker). */
  concurrency?: number;
  client?: RegistryClient;
  /** Where to note that this repository holds the pulled blobs (for mounts on push); default: the store's root's. */
  blobSources?: BlobSources;
}

export interface PullResult {
  /** Full normalised reference, e.g. `docker.io/library/busybox:latest`. */
  name: string;
  /** What the reference points at: an index or a manifest. */
  descriptor: Descriptor;
  /** The image manifest that was pulled (the platform's entry when `descriptor` is an index). */
  manifest: Descriptor;
}

const INDEX_TYPES = new Set<string>([MediaType.OciIndex, MediaType.DockerManifestList]);
const MANIFEST_TYPES = new Set<string>([MediaType.OciManifest, MediaType.DockerManifest]);

export async function pullImage(reference: string | ImageReference, options: PullOptions): Promise<PullResult> {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference;
  const client = options.client ?? new RegistryClient(ref.domain, options);
  return pullLayers(await pullManifest(ref, { ...options, client }), { ...options, client });
}

/** What the first half of a pull stored: the manifest to pull the layers of. */
export interface PulledManifest extends PullResult {
  ref: ImageReference;
  /** The platform's image manifest, parsed. */
  image: ImageManifest;
}

/**
 * The first half of a pull (BuildKit's "load metadata"): the index, the platform's manifest and
 * the config, stored and checked; no layers, and no name yet.
 */
export async function pullManifest(reference: string | ImageReference, options: PullOptions): Promise<PulledManifest> {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference;
  const client = options.client ?? new RegistryClient(ref.domain, options);
  const { store } = options;
  const top = await client.getManifest(ref.path, manifestReference(ref));
  await store.put(top.bytes, top.descriptor.digest);
  let manifest = top;
  if (INDEX_TYPES.has(top.descriptor.mediaType)) {
    const index = parseIndex(top.bytes, { where: `${ref.domain}: index ${formatReference(ref)}`, code: 'REGISTRY' });
    const chosen = selectManifest(index, options.platform ?? hostPlatform());
    manifest = await client.getManifest(ref.path, chosen.digest);
    await store.put(manifest.bytes, manifest.descriptor.digest);
  }
  if (!MANIFEST_TYPES.has(manifest.descriptor.mediaType)) {
    throw new TsbuildError('REGISTRY', `${formatReference(ref)}: unsupported manifest type ${manifest.descriptor.mediaType}`);
  }
  const image = parseManifest(manifest.bytes, { where: `${ref.domain}: manifest ${manifest.descriptor.digest} of ${formatReference(ref)}`, code: 'REGISTRY' });
  await fetchBlobs(client, ref.path, [image.config], options);
  // Its diff IDs become snapshot paths: a config that does not parse must not get a name.
  parseConfig(await store.read(image.config.digest), { where: `${ref.domain}: config ${image.config.digest} of ${formatReference(ref)}`, code: 'REGISTRY' });
  return { ref, name: formatReference(ref), descriptor: top.descriptor, manifest: manifest.descriptor, image };
}

/** The second half of a pull: the layers the store lacks, then the name (once every blob is stored). */
export async function pullLayers(pulled: PulledManifest, options: PullOptions): Promise<PullResult> {
  const { ref, image } = pulled;
  const client = options.client ?? new RegistryClient(ref.domain, options);
  await fetchBlobs(client, ref.path, image.layers, options);
  await (options.blobSources ?? BlobSources.forStore(options.store))?.record(ref.domain, ref.path, [image.config, ...image.layers].map((b) => b.digest));
  await options.names?.set(pulled.name, pulled.descriptor);
  return { name: pulled.name, descriptor: pulled.descriptor, manifest: pulled.manifest };
}

/** The descriptor a reference points at (a HEAD request; GET when the registry sends no digest). */
export async function resolveImage(reference: string | ImageReference, options: RegistryClientOptions & { client?: RegistryClient } = {}): Promise<Descriptor> {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference;
  const client = options.client ?? new RegistryClient(ref.domain, options);
  const head = await client.headManifest(ref.path, manifestReference(ref));
  if (head && head.mediaType && head.size > 0) return head;
  return (await client.getManifest(ref.path, manifestReference(ref))).descriptor;
}

async function fetchBlobs(client: RegistryClient, repo: string, blobs: Descriptor[], options: PullOptions): Promise<void> {
  const report = options.onProgress ?? (() => {});
  await transferEach(blobs, options.concurrency ?? 3, report, async (blob, event) => {
    if (await options.store.has(blob.digest)) {
      report({ ...event, status: 'exists', done: blob.size });
      return;
    }
    await client.fetchBlob(repo, blob, options.store, (done) => report({ ...event, status: 'downloading', done }));
    report({ ...event, status: 'done', done: blob.size });
  });
}

// `pushImage`: upload a named image's blobs (in parallel, skipping or mounting what the registry
// has), then its manifests, and an index last so the tag never points at missing content.
import { TsbuildError } from '../errors.js';
import { availableImage, describeMissing, distributableImage, MediaType, type Descriptor } from '../oci/index.js';
import type { ContentStore, ImageNames } from '../oci/index.js';
import { formatReference, parseReference, type ImageReference, parseIndex, parseManifest } from '../spec/index.js';
import { BlobSources } from './blob-sources.js';
import { RegistryClient, type RegistryClientOptions } from './client.js';
import { transferEach, type ProgressCallback } from './progress.js';

export interface PushOptions extends RegistryClientOptions {
  store: ContentStore;
  names: Pick<ImageNames, 'get'>;
  /** Local name to push when it differs from the destination (default: the destination). */
  source?: string;
  /** Repositories on the same registry to mount shared blobs from (tried before the known ones). */
  mountFrom?: string[];
  /**
   * Which repositories hold which blobs (noted by pulls and pushes): a blob one of them holds on
   * this registry is mounted from it. Default: the record of the store's root, for a disk store.
   */
  blobSources?: BlobSources;
  onProgress?: ProgressCallback;
  /** Told when only part of a multi-platform image can be pushed. */
  onWarning?: (message: string) => void;
  /** Push layers as stored, without gzipping uncompressed ones (`compression=uncompressed`). */
  uncompressed?: boolean;
  /** Blobs uploaded at once (default 4). */
  concurrency?: number;
  client?: RegistryClient;
}

export interface PushResult {
  name: string;
  descriptor: Descriptor;
}

const INDEX_TYPES = new Set<string>([MediaType.OciIndex, MediaType.DockerManifestList]);

interface PlannedManifest {
  descriptor: Descriptor;
  bytes: Buffer;
}

export async function pushImage(reference: string | ImageReference, options: PushOptions): Promise<PushResult> {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference;
  const name = formatReference(ref);
  const local = await options.names.get(options.source ?? name);
  if (!local) throw new TsbuildError('NOT_FOUND', `no local image named ${options.source ?? name}`);
  const client = options.client ?? new RegistryClient(ref.domain, options);
  // A partly pulled multi-platform image goes up with the platforms that are here (as `save`).
  const available = await availableImage(options.store, local.descriptor, local.name);
  if (available.missing.length > 0) options.onWarning?.(describeMissing(local.name, available, 'pushing'));
  // Layers the local store keeps uncompressed are gzipped for the registry (once, remembered).
  const descriptor = options.uncompressed ? available.descriptor : await distributableImage(options.store, available.descriptor);
  const top: PlannedManifest = { descriptor, bytes: await options.store.read(descriptor.digest) };
  const children = INDEX_TYPES.has(top.descriptor.mediaType) ? await readChildren(top, options.store, name) : [top];
  const blobs = children.flatMap(({ descriptor, bytes }) => {
    const manifest = parseManifest(bytes, { where: `blob ${descriptor.digest}` });
    return [manifest.config, ...manifest.layers];
  });
  const sources = options.blobSources ?? BlobSources.forStore(options.store);
  await uploadBlobs(client, ref, blobs, options, sources);
  if (children[0] !== top) {
    await Promise.all(children.map((c) => client.putManifest(ref.path, c.descriptor.digest, c.descriptor, c.bytes)));
  }
  await client.putManifest(ref.path, ref.tag ?? top.descriptor.digest, top.descriptor, top.bytes);
  await sources?.record(ref.domain, ref.path, blobs.map((b) => b.digest));
  return { name, descriptor: top.descriptor };
}

async function readChildren(top: PlannedManifest, store: ContentStore, name: string): Promise<PlannedManifest[]> {
  const index = parseIndex(top.bytes, { where: `blob ${top.descriptor.digest}` });
  return Promise.all(
    index.manifests.map(async (descriptor) => {
      if (!(await store.has(descriptor.digest))) {
        const platform = descriptor.platform ? ` (${descriptor.platform.os}/${descriptor.platform.architecture})` : '';
        throw new TsbuildError('NOT_FOUND', `cannot push ${name}: manifest ${descriptor.digest}${platform} of its index is not in the local store`);
      }
      return { descriptor, bytes: await store.read(descriptor.digest) };
    }),
  );
}

async function uploadBlobs(
  client: RegistryClient, ref: ImageReference, blobs: Descriptor[], options: PushOptions, sources: BlobSources | undefined,
): Promise<void> {
  const repo = ref.path;
  const report = options.onProgress ?? (() => {});
  await transferEach(blobs, options.concurrency ?? 4, report, async (blob, event) => {
    if (!(await options.store.has(blob.digest))) {
      throw new TsbuildError('NOT_FOUND', `cannot push to ${repo}: blob ${blob.digest} is not in the local store`);
    }
    const known = (await sources?.repositoriesHolding(ref.domain, blob.digest, repo)) ?? [];
    let from: string | undefined;
    const outcome = await client.uploadBlob(repo, blob, () => options.store.open(blob.digest), {
      mountFrom: [...new Set([...(options.mountFrom ?? []), ...known])],
      onBytes: (done) => report({ ...event, status: 'uploading', done }),
      onMounted: (repository) => (from = repository),
    });
    report({ ...event, status: outcome === 'uploaded' ? 'done' : outcome, done: blob.size, ...(from ? { from } : {}) });
  });
}

// Finds the image to run in the local store, pulling it first as `--pull missing|always|never` says.
import { TsbuildError } from '../errors.js';
import { isDigest, platformOf, type ResolvedImage } from '../oci/index.js';
import type { LocalImages, Platform } from '../oci/index.js';
import { formatPlatform, hostPlatform, platformRank } from '../spec/index.js';
import type { RegistryClientOptions } from '../registry/index.js';
import type { RunEventSink } from '../container/events.js';

export type PullPolicy = 'missing' | 'always' | 'never';

export interface ImageSourceOptions {
  pull: PullPolicy;
  /** Requested with `--platform`; default the host's. */
  platform: Platform | undefined;
  registry: RegistryClientOptions;
  onEvent: RunEventSink;
}

/** The image's manifest and config for the platform, from the store or freshly pulled. */
export async function findImage(images: LocalImages, reference: string, options: ImageSourceOptions): Promise<ResolvedImage> {
  if (options.pull === 'always') return pull(images, reference, options, 'always');
  let local: ResolvedImage | undefined;
  try {
    local = await images.resolve(reference, options.platform);
  } catch (error) {
    if ((error as TsbuildError).code !== 'NOT_FOUND') throw error;
  }
  const wanted = options.platform ?? hostPlatform();
  const fits = local !== undefined && platformRank(wanted, platformOf(local.config)) !== undefined;
  if (local && (fits || options.platform === undefined)) return local;
  if (options.pull === 'never') {
    const why = local ? `is stored only for ${formatPlatform(platformOf(local.config))}, not ${formatPlatform(wanted)}` : 'is not in the local store';
    throw new TsbuildError('NOT_FOUND', `image "${reference}" ${why}, and the pull policy "never" forbids pulling it`);
  }
  return pull(images, reference, options, local ? 'platform' : 'missing');
}

async function pull(images: LocalImages, reference: string, options: ImageSourceOptions, reason: 'missing' | 'always' | 'platform'): Promise<ResolvedImage> {
  const [{ pullImage }, { parseReference }] = await Promise.all([import('../registry/pull.js'), import('../spec/reference.js')]);
  if (isDigest(reference)) throw new TsbuildError('NOT_FOUND', `image ${reference} is not in the local store (an image ID cannot be pulled)`);
  const ref = parseReference(reference);
  options.onEvent({ kind: 'pull.start', reference, reason });
  const result = await pullImage(ref, {
    ...options.registry,
    store: images.store,
    names: images.names,
    ...(options.platform ? { platform: options.platform } : {}),
    onProgress: (progress) => options.onEvent({ kind: 'pull.progress', progress }),
  });
  options.onEvent({ kind: 'pull.done', name: result.name, digest: result.descriptor.digest });
  return images.resolve(result.name, options.platform);
}

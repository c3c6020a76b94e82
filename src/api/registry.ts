// `pull` and `push`: images between a registry and the root's store.
import { pullImage, type PullResult, pushImage, type PushResult } from '../registry/index.js';
import type { ProgressCallback } from '../registry/index.js';
import type { PlatformInput, RegistryAccess, RootOptions } from './options.js';
import { openStores, platformOf } from './stores.js';

export type { PullResult, PushResult };
export type { TransferProgress } from '../registry/index.js';

export interface PullOptions extends RootOptions, RegistryAccess {
  /** Platform to pick from a multi-platform image (default: this host). */
  platform?: PlatformInput;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/** Downloads `reference` into the root's store and names it there. */
export async function pull(reference: string, options: PullOptions = {}): Promise<PullResult> {
  const platform = platformOf(options.platform);
  const { store, names } = await openStores(options);
  return pullImage(reference, {
    ...options.registry, store, names, ...(platform ? { platform } : {}), signal: options.signal, onProgress: options.onProgress,
  });
}

export interface PushOptions extends RootOptions, RegistryAccess {
  /** Local name to push when it differs from `reference` (default: `reference`). */
  source?: string;
  onProgress?: ProgressCallback;
  /** Told when only part of a multi-platform image can be pushed. */
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
}

/** Uploads the local image `reference` (for an index, every platform's manifest) to its registry. */
export async function push(reference: string, options: PushOptions = {}): Promise<PushResult> {
  const { store, names } = await openStores(options);
  return pushImage(reference, {
    ...options.registry, store, names, signal: options.signal,
    ...(options.source ? { source: options.source } : {}), onProgress: options.onProgress, onWarning: options.onWarning,
  });
}

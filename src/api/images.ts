// The local image verbs over the root's store: images, tag, rmi, inspect, history.
import { recordLayerBlobs } from '../cache/records.js';
import type { ImageSummary } from '../oci/local-images.js';
import type { Descriptor, HistoryEntry, ImageConfig, ImageIndex, ImageManifest } from '../spec/index.js';
import type { PlatformInput, RootOptions } from './options.js';
import { openImages, platformOf } from './stores.js';

export type { ImageSummary };

/** The images of the local store: every name, then untagged images (`<none>`). */
export async function images(options: RootOptions = {}): Promise<ImageSummary[]> {
  return (await openImages(options)).list();
}

/** Names `target` the local image `source` (a name, digest or image ID); resolves to the full new name. */
export async function tag(source: string, target: string, options: RootOptions = {}): Promise<string> {
  return (await openImages(options)).tag(source, target);
}

export interface RemovedImage {
  /** The full name removed, e.g. `docker.io/library/busybox:latest`. */
  name: string;
  /** Blobs only that image used, now deleted. */
  deletedBlobs: number;
}

export interface RmiOptions extends RootOptions {
  /** Told as each name goes (a later one may still fail). */
  onRemoved?: (removed: RemovedImage) => void;
}

/** Removes image names, and the blobs no other image or cache record needs. */
export async function rmi(references: string | string[], options: RmiOptions = {}): Promise<RemovedImage[]> {
  const store = await openImages(options);
  const cached = await recordLayerBlobs(store.store.layout.root);
  const removed: RemovedImage[] = [];
  for (const reference of typeof references === 'string' ? [references] : references) {
    const result = await store.remove(reference, cached);
    removed.push(result);
    options.onRemoved?.(result);
  }
  return removed;
}

export interface ImageOptions extends RootOptions {
  /** Platform to pick from a multi-platform image (default: this host). */
  platform?: PlatformInput;
}

export interface ImageInspection {
  name: string | null;
  /** Digest of the manifest chosen. */
  digest: string;
  /** The index it was chosen from, with its digest. */
  index?: ImageIndex & { digest: string };
  manifest: ImageManifest;
  config: ImageConfig;
}

/** The manifest and config of a local image (and the index it is part of). */
export async function inspect(reference: string, options: ImageOptions = {}): Promise<ImageInspection> {
  const resolved = await (await openImages(options)).resolve(reference, platformOf(options.platform));
  return {
    name: resolved.name ?? null,
    digest: resolved.descriptor.digest,
    ...(resolved.index ? { index: { digest: resolved.index.descriptor.digest, ...resolved.index.index } } : {}),
    manifest: resolved.manifest,
    config: resolved.config,
  };
}

export type HistoryRow = HistoryEntry & { size: number };

/** The history entries of a local image's config, newest first, with the size of each entry's layer. */
export async function history(reference: string, options: ImageOptions = {}): Promise<HistoryRow[]> {
  const { manifest, config } = await (await openImages(options)).resolve(reference, platformOf(options.platform));
  const layers: Descriptor[] = [...manifest.layers];
  // Each non-empty history entry corresponds to the next layer, in order.
  const rows = (config.history ?? []).map((entry) => ({ ...entry, size: entry.empty_layer ? 0 : (layers.shift()?.size ?? 0) }));
  return rows.reverse();
}

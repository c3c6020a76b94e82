// The local image verbs over the root's store: images, tag, rmi, inspect, history.
import { recordLayerBlobs } from '../cache/records.js';
import type { ImageSummary } from '../oci/local-images.js';
import { familiarName, familiarString, parseReference } from '../spec/index.js';
import type { ContainerConfig, Descriptor, HistoryEntry, ImageConfig, ImageIndex, ImageManifest } from '../spec/index.js';
import type { PlatformInput, RootOptions } from './options.js';
import { openImages, platformOf } from './stores.js';

export type { ImageSummary };

/** `docker images --filter`: each kind's values are alternatives, kinds must all hold. */
export interface ImageFilters {
  /** Glob patterns on `repository` or `repository:tag` (`*` stays within a path component). */
  reference?: string[];
  /** true: only untagged images; false: only named ones. */
  dangling?: boolean;
  /** `key` or `key=value` of the config's labels. */
  label?: string[];
  /** Images created before (since: after) this image (a name, image ID or digest). */
  before?: string;
  since?: string;
}

export interface ImagesOptions extends RootOptions {
  filters?: ImageFilters;
}

/**
 * The images of the local store, newest first as docker lists them (by creation, then name);
 * untagged images are `<none>`.
 */
export async function images(options: ImagesOptions = {}): Promise<ImageSummary[]> {
  const store = await openImages(options);
  const all = await store.list();
  const filters = options.filters ?? {};
  const createdOf = async (reference: string) => Date.parse((await inspectImage(reference, options)).Created);
  const before = filters.before === undefined ? undefined : await createdOf(filters.before);
  const since = filters.since === undefined ? undefined : await createdOf(filters.since);
  const time = (image: ImageSummary) => (image.created ? Date.parse(image.created) : 0);
  return all
    .filter((image) => filters.dangling === undefined || (image.repository === '<none>') === filters.dangling)
    .filter((image) => !filters.reference?.length || filters.reference.some((pattern) => referenceMatches(pattern, image)))
    .filter((image) => !filters.label?.length || filters.label.some((label) => labelMatches(label, image.labels ?? {})))
    .filter((image) => before === undefined || time(image) < before)
    .filter((image) => since === undefined || time(image) > since)
    .sort((a, b) => time(b) - time(a) || a.name.localeCompare(b.name));
}

function referenceMatches(pattern: string, image: ImageSummary): boolean {
  if (image.repository === '<none>') return false;
  const glob = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return glob.test(image.repository) || glob.test(`${image.repository}:${image.tag}`);
}

function labelMatches(filter: string, labels: Record<string, string>): boolean {
  const equals = filter.indexOf('=');
  if (equals < 0) return filter in labels;
  return labels[filter.slice(0, equals)] === filter.slice(equals + 1);
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

/** One image as `docker image inspect` shows it (the fields docker users script against). */
export interface DockerImageInspect {
  /** The image ID: the config digest. */
  Id: string;
  /** Every name of the image, as docker prints them (`busybox:latest`). */
  RepoTags: string[];
  /** `repository@manifest-digest` for each named repository. */
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: Record<string, unknown>;
  Architecture: string;
  Variant?: string;
  Os: string;
  /** Bytes of the layers (compressed, as stored). */
  Size: number;
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
  /** The manifest (or index) the image was found under, as docker 25+ shows it. */
  Descriptor: Descriptor;
}

/** A local image in `docker image inspect`'s shape, found as `inspect` finds it. */
export async function inspectImage(reference: string, options: ImageOptions = {}): Promise<DockerImageInspect> {
  const store = await openImages(options);
  const located = await store.locate(reference);
  const resolved = await store.resolve(reference, platformOf(options.platform));
  const top = resolved.index?.descriptor ?? resolved.descriptor;
  const names = (await store.names.list()).filter((n) => n.descriptor.digest === top.digest || n.descriptor.digest === resolved.descriptor.digest);
  const refs = names.map((n) => parseReference(n.name));
  const { config } = resolved;
  const lastTag = names.map((n) => n.updated).sort().at(-1);
  return {
    Id: resolved.manifest.config.digest,
    RepoTags: refs.map((ref) => familiarString(ref)),
    RepoDigests: [...new Set(refs.map((ref) => `${familiarName(ref)}@${top.digest}`))],
    Parent: '',
    Comment: config.history?.at(-1)?.comment ?? '',
    Created: goTimestamp(config.created),
    DockerVersion: '',
    Author: config.author ?? '',
    Config: dockerContainerConfig(config.config ?? {}),
    Architecture: config.architecture,
    ...(config.variant ? { Variant: config.variant } : {}),
    Os: config.os,
    Size: resolved.manifest.layers.reduce((sum, layer) => sum + layer.size, 0),
    RootFS: { Type: 'layers', Layers: config.rootfs.diff_ids },
    Metadata: { LastTagTime: lastTag ?? '0001-01-01T00:00:00Z' },
    Descriptor: located.descriptor.digest === top.digest ? top : located.descriptor,
  };
}

/** Docker's container.Config with every field it always shows (null or empty when unset), in its order. */
function dockerContainerConfig(config: ContainerConfig): Record<string, unknown> {
  const optional = (key: keyof ContainerConfig) => (config[key] === undefined ? {} : { [key]: config[key] });
  return {
    Hostname: '', Domainname: '', User: config.User ?? '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
    ...optional('ExposedPorts'),
    Tty: false, OpenStdin: false, StdinOnce: false, Env: config.Env ?? null, Cmd: config.Cmd ?? null,
    ...optional('Healthcheck'), ...optional('ArgsEscaped'),
    Image: '', Volumes: config.Volumes ?? null, WorkingDir: config.WorkingDir ?? '', Entrypoint: config.Entrypoint ?? null,
    OnBuild: config.OnBuild ?? null, Labels: config.Labels ?? null,
    ...optional('StopSignal'), ...optional('Shell'),
  };
}

/** A time as Go's RFC 3339 (nanoseconds, trailing zeros dropped) prints it, the form docker shows. */
function goTimestamp(created: string | undefined): string {
  const time = created ? new Date(created) : undefined;
  if (!time || Number.isNaN(time.getTime())) return '0001-01-01T00:00:00Z';
  // Keep the digits the config has beyond milliseconds (BuildKit writes nanoseconds).
  const fraction = /\.(\d+)Z$/.exec(created!)?.[1]?.replace(/0+$/, '');
  return `${time.toISOString().replace(/\.\d+Z$/, '')}${fraction ? `.${fraction}` : ''}Z`;
}

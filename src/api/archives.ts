// Images in and out of files: save (OCI layout tar or directory, docker-archive), load, import.
import { TsbuildError } from '../errors.js';
import { saveFormats } from '../executor/index.js';
import { loadArchive, resolveImage, availableImage, describeMissing, applyConfigChange, importRootfs } from '../oci/index.js';
import type { Descriptor } from '../oci/index.js';
import type { PlatformInput, RootOptions } from './options.js';
import { openImages, platformOf } from './stores.js';

export interface SaveOptions extends RootOptions {
  /** A `saveFormatNames()` entry: `oci` (OCI layout tar, the default), `oci-dir` (OCI layout directory) or `docker` (docker-archive). */
  format?: string;
  /** A file (a directory for `oci-dir`) or a stream for the tarball. */
  output: string | NodeJS.WritableStream;
  /** For `docker`: the platform to pick from multi-platform images. */
  platform?: PlatformInput;
  /** Told when a multi-platform image is saved with only the platforms that are here. */
  onWarning?: (message: string) => void;
}

/** The archive formats `save` writes, from the exporter table. */
export function saveFormatNames(): string[] {
  return [...saveFormats().keys()];
}

/** True when the format writes a directory (it has no stream form). */
export function saveFormatWritesDirectory(format: string): boolean {
  return saveFormats().get(format)?.directory ?? false;
}

/** Writes local images to an archive. */
export async function save(references: string | string[], options: SaveOptions): Promise<void> {
  const formatName = options.format ?? 'oci';
  const format = saveFormats().get(formatName);
  if (!format) {
    const names = saveFormatNames();
    throw new TsbuildError('USAGE', `unknown save format "${formatName}": use ${names.slice(0, -1).join(', ')} or ${names.at(-1)}`);
  }
  if (format.directory && typeof options.output !== 'string') throw new TsbuildError('USAGE', `the ${formatName} format needs an output directory`);
  if (!format.exporter.exportStored) throw new TsbuildError('INTERNAL', `the ${format.type} exporter cannot save stored images`);
  const list = typeof references === 'string' ? [references] : references;
  const store = await openImages(options);
  const located = await Promise.all(list.map((reference) => store.locate(reference)));
  // A partly pulled multi-platform image is saved with the platforms that are here, as docker does.
  const toSave = await Promise.all(located.map(async (image, i) => {
    const name = image.name ?? list[i]!;
    const available = await availableImage(store.store, image.descriptor, name);
    if (available.missing.length > 0) options.onWarning?.(describeMissing(name, available, 'saving'));
    return { ...image, descriptor: available.descriptor };
  }));
  const toStream = typeof options.output !== 'string';
  const spec = format.exporter.parse({ ...format.attributes, type: format.type, dest: toStream ? '-' : (options.output as string) });
  await format.exporter.exportStored(spec, {
    store: store.store,
    images: toSave,
    platform: options.platform === undefined ? undefined : platformOf(options.platform),
    stream: toStream ? (options.output as NodeJS.WritableStream) : undefined,
  });
}

export interface LoadedImage {
  /** The full name recorded, when the archive gave one (else the image is reachable by digest only). */
  name?: string;
  descriptor: Descriptor;
  /** The image ID (config digest; of this host's platform for a multi-platform image), when it has one here. */
  imageId?: string;
}

/**
 * Loads the images of an OCI layout (tar, gzip'd tar or directory), a docker-archive (`docker
 * save`, old and new layouts), or a stream of either (stdin) into the store and names them;
 * unnamed ones are kept as untagged images (`<none>`), found by image ID or manifest digest.
 */
export async function load(input: string | NodeJS.ReadableStream, options: RootOptions = {}): Promise<LoadedImage[]> {
  const store = await openImages(options);
  const loaded: LoadedImage[] = [];
  for (const image of await loadArchive(store.store, input)) {
    const imageId = (await resolveImage(store.store, image.descriptor).catch(() => undefined))?.manifest.config.digest;
    const withId = { descriptor: image.descriptor, ...(imageId ? { imageId } : {}) };
    if (image.name) {
      loaded.push({ name: await store.names.set(image.name, image.descriptor), ...withId });
    } else {
      await store.names.addUntagged(image.descriptor);
      loaded.push(withId);
    }
  }
  return loaded;
}

export interface ImportOptions extends RootOptions {
  /** Dockerfile instructions applied to the config: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR. */
  changes?: string[];
  /** Platform recorded in the config (default: this host). */
  platform?: PlatformInput;
  /** Comment of the history entry. */
  message?: string;
  /** Media types of the manifest: `oci` (default) or `docker`. */
  mediaTypes?: 'oci' | 'docker';
}

/** Makes a one-layer image from a rootfs tarball (plain or gzip), a directory, or `-` (stdin), named `reference`. */
export async function importImage(source: string, reference: string, options: ImportOptions = {}): Promise<Descriptor> {
  const mediaTypes = options.mediaTypes ?? 'oci';
  if (mediaTypes !== 'oci' && mediaTypes !== 'docker') throw new TsbuildError('USAGE', `unknown media types "${String(mediaTypes)}": use oci or docker`);
  const config = (options.changes ?? []).reduce(applyConfigChange, {});
  const platform = platformOf(options.platform);
  const store = await openImages(options);
  const descriptor = await importRootfs(store.store, source, {
    ...(platform ? { platform } : {}), ...(options.message ? { comment: options.message } : {}), mediaTypes, config,
  });
  await store.names.set(reference, descriptor);
  return descriptor;
}

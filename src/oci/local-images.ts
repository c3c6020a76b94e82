// The images of a local root: the content store plus the name index, with the operations the
// image commands need (resolve a reference, list with sizes, tag, remove with blob cleanup).
import { TsbuildError } from '../errors.js';
import { DiskContentStore } from './disk-store.js';
import { isDigest } from './digest.js';
import { resolveImage, isIndexType, readIndex, type ResolvedImage } from './image.js';
import { reachableBlobs } from './image-walk.js';
import { ImageNames, type NamedImage } from './image-names.js';
import { withCollectorLock } from './leases.js';
import { familiarName, parseReference, declaredMediaType } from '../spec/index.js';
import type { Descriptor, Platform } from '../spec/index.js';

export interface ImageSummary {
  name: string;
  /** Short repository as Docker prints it, e.g. `busybox`. */
  repository: string;
  tag: string;
  /** Digest of the manifest or index the name points at. */
  digest: string;
  /** The image ID: the config digest (of the host platform's manifest for an index). */
  id?: string;
  /** The config's `created` (of the host platform's manifest for an index), if any. */
  created?: string;
  /** The config's labels. */
  labels?: Record<string, string>;
  /** Bytes stored for the image: every reachable blob (all platforms), compressed. */
  size: number;
}

export interface LocatedImage {
  name?: string;
  descriptor: Descriptor;
}

export class LocalImages {
  private constructor(readonly store: DiskContentStore, readonly names: ImageNames) {}

  static async open(root?: string): Promise<LocalImages> {
    const store = await DiskContentStore.open(root);
    await store.removeStaleTemps();
    return new LocalImages(store, new ImageNames(store.layout));
  }

  /**
   * Finds an image by name, by `sha256:<digest>`, by a digest prefix of 12+ hex digits (as
   * `tsbuild images` prints), or by a name pinned `@sha256:` to a stored manifest.
   */
  async locate(reference: string): Promise<LocatedImage> {
    const hex = /^(sha256:)?([a-f0-9]{12,64})$/.exec(reference)?.[2];
    if (hex) {
      // A manifest digest is a lookup in the name index; an image ID means reading configs.
      const stored = [...(await this.names.list()), ...(await this.names.listUntagged())];
      const byManifest = stored.find((n) => n.descriptor.digest.startsWith(`sha256:${hex}`));
      if (byManifest) return { descriptor: byManifest.descriptor };
      const byImageId = await this.locateImageId(hex);
      if (byImageId) return byImageId;
    }
    if (isDigest(reference)) return this.locateDigest(reference);
    const named = await this.names.get(reference);
    if (named) return { name: named.name, descriptor: named.descriptor };
    const digest = parseReference(reference).digest;
    if (digest) return this.locateDigest(digest);
    throw new TsbuildError('NOT_FOUND', `image "${reference}" not found in ${this.store.layout.root}`);
  }

  async resolve(reference: string, platform?: Platform): Promise<ResolvedImage & { name?: string }> {
    const located = await this.locate(reference);
    return { ...(await resolveImage(this.store, located.descriptor, platform)), ...(located.name ? { name: located.name } : {}) };
  }

  async list(): Promise<ImageSummary[]> {
    const summaries: ImageSummary[] = [];
    for (const named of await this.names.list()) summaries.push(await this.summarise(named));
    for (const untagged of (await this.names.listUntagged()).reverse()) {
      const summary = await this.summarise({ name: '', ...untagged });
      summaries.push({ ...summary, repository: '<none>', tag: '<none>' });
    }
    return summaries;
  }

  async tag(source: string, target: string): Promise<string> {
    const located = await this.locate(source);
    return this.names.set(target, located.descriptor);
  }

  /**
   * Removes a name; when no other name points at the same content, deletes the blobs only it
   * used, except those a running build leases (its base image) and those in `keep` (the build
   * cache's layers: the cache is pruned on its own, as Docker's). Returns the removed name and the
   * number of blobs deleted.
   */
  async remove(reference: string, keep: ReadonlySet<string> = new Set()): Promise<{ name: string; deletedBlobs: number }> {
    const named = await this.names.get(reference);
    if (!named) throw new TsbuildError('NOT_FOUND', `image "${reference}" not found in ${this.store.layout.root}`);
    // Walked before the name goes, so an image whose documents do not parse keeps its name.
    const candidates = await reachableBlobs(this.store, [named.descriptor]);
    const removed = await this.names.remove(reference);
    if (!removed) throw new TsbuildError('NOT_FOUND', `image "${reference}" not found in ${this.store.layout.root}`);
    return withCollectorLock(this.store.layout, async (leased) => {
      const remaining = [...(await this.names.list()), ...(await this.names.listUntagged())];
      const kept = new Set((await reachableBlobs(this.store, remaining.map((n) => n.descriptor))).map((d) => d.digest));
      let deleted = 0;
      for (const blob of candidates) {
        if (kept.has(blob.digest) || keep.has(blob.digest) || leased.blob.has(blob.digest)) continue;
        await this.store.delete(blob.digest);
        deleted++;
      }
      return { name: removed.name, deletedBlobs: deleted };
    });
  }

  /** Docker's image ID is the config digest (`docker run $(docker build -q .)`): full or a prefix. */
  private async locateImageId(hexPrefix: string): Promise<LocatedImage | undefined> {
    const untagged = (await this.names.listUntagged()).reverse().map((u) => ({ name: '', ...u }));
    for (const candidate of [...(await this.names.list()), ...untagged]) {
      const resolved = await resolveImage(this.store, candidate.descriptor).catch(() => undefined);
      if (!resolved?.manifest.config.digest.startsWith(`sha256:${hexPrefix}`)) continue;
      return candidate.name ? { name: candidate.name, descriptor: resolved.descriptor } : { descriptor: resolved.descriptor };
    }
    return undefined;
  }

  private async locateDigest(digest: Descriptor['digest']): Promise<LocatedImage> {
    const named = (await this.names.list()).find((n) => n.descriptor.digest === digest);
    if (named) return { descriptor: named.descriptor };
    const info = await this.store.stat(digest);
    if (!info) throw new TsbuildError('NOT_FOUND', `image ${digest} not found in ${this.store.layout.root}`);
    const mediaType = declaredMediaType(await this.store.read(digest), { where: `image ${digest}` }) ?? '';
    return { descriptor: { mediaType, digest, size: info.size } };
  }

  private async summarise(named: NamedImage): Promise<ImageSummary> {
    const ref = named.name ? parseReference(named.name) : { domain: '', path: '' };
    // A name whose blobs are partly missing (an interrupted pull) still lists, with what is there.
    const blobs = await reachableBlobs(this.store, [named.descriptor]).catch(() => [named.descriptor]);
    const image = await this.configOf(named.descriptor);
    const created = image?.config.created;
    const labels = image?.config.config?.Labels;
    return {
      name: named.name,
      repository: familiarName(ref),
      tag: ref.tag ?? '<none>',
      digest: named.descriptor.digest,
      ...(image ? { id: image.manifest.config.digest } : {}),
      ...(created ? { created } : {}),
      ...(labels && Object.keys(labels).length > 0 ? { labels } : {}),
      size: blobs.reduce((sum, blob) => sum + blob.size, 0),
    };
  }

  private async configOf(descriptor: Descriptor): Promise<ResolvedImage | undefined> {
    try {
      return await resolveImage(this.store, descriptor);
    } catch {
      // An index without this host's platform: show the first manifest's.
      if (!isIndexType(descriptor.mediaType)) return undefined;
      const first = (await readIndex(this.store, descriptor).catch(() => undefined))?.manifests[0];
      return first ? resolveImage(this.store, first).catch(() => undefined) : undefined;
    }
  }
}

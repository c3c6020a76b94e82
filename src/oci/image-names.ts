// The image-name index of a root: full normalised reference -> descriptor of a manifest or
// index. One JSON file replaced atomically (temp file + rename) under a cross-process lock;
// readers never lock because they always see either the old or the new file.
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import { syncDirectory } from './disk-store.js';
import { isObject, parseDescriptor, parseJsonObject, formatReference, parseReference } from '../spec/index.js';
import { withFileLock, ownerToken } from '../fs/index.js';
import type { RootLayout } from './root.js';
import type { Descriptor } from '../spec/index.js';

export interface NamedImage {
  /** Full normalised reference, e.g. `docker.io/library/busybox:latest`. */
  name: string;
  descriptor: Descriptor;
  /** When the name was last pointed at this descriptor (ISO 8601). */
  updated: string;
}

interface IndexFile {
  version: 1;
  images: Record<string, { descriptor: Descriptor; updated: string }>;
  /** Images built without a name (docker's `<none>`), newest last; reachable by image ID. */
  untagged?: UntaggedImage[];
}

export interface UntaggedImage {
  descriptor: Descriptor;
  updated: string;
}

/** How many untagged images are remembered; older ones are left to `prune`. */
const MAX_UNTAGGED = 100;

export class ImageNames {
  private readonly indexPath: string;
  private readonly lockPath: string;

  constructor(private readonly layout: RootLayout) {
    this.indexPath = join(layout.images, 'index.json');
    this.lockPath = join(layout.images, 'index.lock');
  }

  /** The key a name is stored under, e.g. `busybox` -> `docker.io/library/busybox:latest`. */
  static normalise(name: string): string {
    return formatReference(parseReference(name));
  }

  async get(name: string): Promise<NamedImage | undefined> {
    const key = ImageNames.normalise(name);
    const entry = (await this.load()).images[key];
    return entry ? { name: key, ...entry } : undefined;
  }

  async list(): Promise<NamedImage[]> {
    const { images } = await this.load();
    return Object.keys(images)
      .sort()
      .map((name) => ({ name, ...images[name]! }));
  }

  /** Points `name` at `descriptor`; returns the normalised name. */
  async set(name: string, descriptor: Descriptor): Promise<string> {
    const key = ImageNames.normalise(name);
    // A rebuild to the same image takes no lock and writes nothing (the common no-op build).
    if (sameDescriptor((await this.load()).images[key]?.descriptor, descriptor)) return key;
    await this.update((index) => {
      index.images[key] = { descriptor, updated: new Date().toISOString() };
    });
    return key;
  }

  /** Remembers an image built without a name, like docker's dangling `<none>` images. */
  async addUntagged(descriptor: Descriptor): Promise<void> {
    await this.update((index) => {
      const others = (index.untagged ?? []).filter((u) => u.descriptor.digest !== descriptor.digest);
      index.untagged = [...others, { descriptor, updated: new Date().toISOString() }].slice(-MAX_UNTAGGED);
    });
  }

  async listUntagged(): Promise<UntaggedImage[]> {
    return (await this.load()).untagged ?? [];
  }

  async clearUntagged(): Promise<void> {
    await this.update((index) => {
      delete index.untagged;
    });
  }

  /** Removes a name; resolves to the removed entry, or undefined when it did not exist. */
  async remove(name: string): Promise<NamedImage | undefined> {
    const key = ImageNames.normalise(name);
    let removed: NamedImage | undefined;
    await this.update((index) => {
      const entry = index.images[key];
      if (entry) removed = { name: key, ...entry };
      delete index.images[key];
    });
    return removed;
  }

  /** Read-modify-write of the whole index under the lock. */
  async update(change: (index: IndexFile) => void): Promise<void> {
    await withFileLock(this.lockPath, async () => {
      const index = await this.load();
      change(index);
      const tmp = join(this.layout.tmp, `images-${ownerToken()}-${randomBytes(6).toString('hex')}.json`);
      await writeFile(tmp, JSON.stringify(index, null, 2) + '\n', { flush: true });
      await rename(tmp, this.indexPath);
      await syncDirectory(this.layout.images);
    });
  }

  private async load(): Promise<IndexFile> {
    let text: string;
    try {
      text = await readFile(this.indexPath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, images: {} };
      throw error;
    }
    let value: Record<string, unknown>;
    try {
      value = parseJsonObject(text, { where: this.indexPath }, 'image index');
    } catch (error) {
      throw new TsbuildError('STORE', `corrupt image index ${this.indexPath}`, { cause: error });
    }
    if ((value['images'] !== undefined && !isObject(value['images'])) || (value['untagged'] !== undefined && !Array.isArray(value['untagged']))) {
      throw new TsbuildError('STORE', `corrupt image index ${this.indexPath}`);
    }
    const index = value as unknown as IndexFile;
    // Its digests become blob paths: a hand-edited or planted entry must not reach outside the store.
    for (const [name, entry] of Object.entries(index.images ?? {})) parseDescriptor(entry?.descriptor, { where: `image index ${this.indexPath}: ${name}` });
    for (const entry of index.untagged ?? []) parseDescriptor(entry?.descriptor, { where: `image index ${this.indexPath}: untagged image` });
    return index;
  }
}

function sameDescriptor(a: Descriptor | undefined, b: Descriptor): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

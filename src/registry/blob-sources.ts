// Which repositories of a registry are known to hold a blob: noted when a blob is pulled from or
// pushed to one, read by push to mount a blob from a sibling repository of the same registry
// instead of uploading it again (docker's distribution metadata does the same). Only a hint: a
// registry that lost the blob answers the mount with an upload, and a lost update (two processes
// writing at once) costs an upload, so the file is replaced atomically but without a lock.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempPathBeside } from '../fs/index.js';
import type { ContentStore } from '../oci/index.js';
import { DiskContentStore } from '../oci/index.js';
import { isDigest, isObject, isReference } from '../spec/index.js';

/** Repositories remembered per blob, most recent first. */
const MAX_REPOSITORIES = 8;

interface SourcesFile {
  version: 1;
  /** digest -> `registry/repository`, most recent first */
  blobs: Record<string, string[]>;
}

export class BlobSources {
  constructor(private readonly file: string) {}

  /** The record of a tsbuild root. */
  static of(root: string): BlobSources {
    return new BlobSources(join(root, 'blob-sources.json'));
  }

  /** The record of the root a store is on; none for a store not on disk. */
  static forStore(store: ContentStore): BlobSources | undefined {
    return store instanceof DiskContentStore ? BlobSources.of(store.layout.root) : undefined;
  }

  /** Notes that `repository` on `registry` holds these blobs. */
  async record(registry: string, repository: string, digests: readonly string[]): Promise<void> {
    const sources = await this.load();
    const location = `${registry}/${repository}`;
    for (const digest of digests) {
      const known = sources.blobs[digest] ?? [];
      sources.blobs[digest] = [location, ...known.filter((l) => l !== location)].slice(0, MAX_REPOSITORIES);
    }
    const temp = tempPathBeside(this.file);
    try {
      await writeFile(temp, JSON.stringify(sources));
      await rename(temp, this.file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** Repositories of `registry` other than `except` known to hold the blob, most recent first. */
  async repositoriesHolding(registry: string, digest: string, except: string): Promise<string[]> {
    const prefix = `${registry}/`;
    return ((await this.load()).blobs[digest] ?? [])
      .filter((l) => l.startsWith(prefix))
      .map((l) => l.slice(prefix.length))
      .filter((repo) => repo !== except);
  }

  /**
   * The file's entries that are a digest naming `registry/repository` references: anything else
   * (a damaged or planted file) is dropped, since the names become mount requests and token scopes.
   */
  private async load(): Promise<SourcesFile> {
    const blobs: Record<string, string[]> = {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(this.file, 'utf8'));
    } catch (error) {
      // Missing or damaged: it is a hint, start over.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
    }
    if (isObject(parsed) && parsed['version'] === 1 && isObject(parsed['blobs'])) {
      for (const [digest, locations] of Object.entries(parsed['blobs'])) {
        if (!isDigest(digest) || !Array.isArray(locations)) continue;
        const valid = locations.filter((l): l is string => typeof l === 'string' && l.includes('/') && isReference(l));
        if (valid.length > 0) blobs[digest] = valid.slice(0, MAX_REPOSITORIES);
      }
    }
    return { version: 1, blobs };
  }
}

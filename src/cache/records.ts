// Cache records on disk: key -> what the step produced. One JSON file per key under
// `<root>/cache/records/`, written through a temp file and renamed, so concurrent processes
// never see a partial record; a record is only written after the content it names is stored.
import { mkdir, readdir, readFile, rename, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempPathBeside } from '../fs/temp-path.js';
import type { CacheKeyParts } from './keys.js';

/** What a step produced. Layer steps carry a layer; metadata-only steps only a config. */
export interface CacheRecord {
  key: string;
  /** Stable identity of the step across builds (file, stage, position, platform): for --explain-cache. */
  identity: string;
  parts: CacheKeyParts;
  /** Per-path content digests of what a COPY/ADD read, to name the changed file on a miss. */
  fileDigests?: Record<string, string>;
  result: StepResultRecord;
  createdAt: string;
}

export interface StepResultRecord {
  /** Diff IDs of the rootfs after this step, bottom first. */
  diffIds: string[];
  /** Compressed blob of the layer this step added, if it added one. */
  layer?: { mediaType: string; digest: string; size: number; diffId: string };
  /** When the step ran: the `created` of its history entry whenever it is reused (absent in old records). */
  created?: string;
  /**
   * The key later steps build on, when not the record's own: a COPY --from recorded under its
   * definition key names the key of the files it copied (early cut-off).
   */
  key?: string;
}

export class CacheRecordStore {
  constructor(private readonly dir: string) {}

  static at(root: string): CacheRecordStore {
    return new CacheRecordStore(path.join(root, 'cache', 'records'));
  }

  async get(key: string): Promise<CacheRecord | undefined> {
    const file = this.fileOf(key);
    try {
      const record = JSON.parse(await readFile(file, 'utf8')) as CacheRecord;
      if (record.key !== key) return undefined;
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined); // LRU: last use = mtime
      return record;
    } catch (error) {
      if (isMissing(error) || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  async put(record: CacheRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.fileOf(record.key);
    const temp = tempPathBeside(file);
    await writeFile(temp, JSON.stringify(record));
    await rename(temp, file);
    await this.remember(record.identity, record.key);
  }

  /** The key last recorded for a step identity, to explain the next miss. */
  async lastKeyFor(identity: string): Promise<string | undefined> {
    try {
      return (await readFile(this.identityFile(identity), 'utf8')).trim() || undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Notes that a step identity last resolved to `key` (a cache hit), for the next explanation. */
  async remember(identity: string, key: string): Promise<void> {
    const file = this.identityFile(identity);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = tempPathBeside(file);
    await writeFile(temp, key);
    await rename(temp, file);
  }

  private fileOf(key: string): string {
    return path.join(this.dir, `${key.replace(/^sha256:/, '')}.json`);
  }

  private identityFile(identity: string): string {
    return path.join(this.dir, '..', 'identities', `${identity.replace(/^sha256:/, '')}`);
  }
}

/** The layer blobs every cache record of a root names (what `rmi` must leave to the cache). */
export async function recordLayerBlobs(root: string): Promise<Set<string>> {
  const dir = path.join(root, 'cache', 'records');
  const blobs = new Set<string>();
  for (const name of (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'))) {
    try {
      const digest = (JSON.parse(await readFile(path.join(dir, name), 'utf8')) as CacheRecord).result.layer?.digest;
      if (digest) blobs.add(digest);
    } catch {
      // an unreadable record names nothing
    }
  }
  return blobs;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

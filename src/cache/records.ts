// Cache records on disk: key -> what the step produced. One JSON file per key under
// `<root>/cache/records/`, written through a temp file and renamed, so concurrent processes
// never see a partial record; a record is only written after the content it names is stored.
import { mkdir, readdir, readFile, rename, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TsbuildError } from '../errors.js';
import { tempPathBeside } from '../fs/index.js';
import { digestHex, parseDigest, parseDigests, type Digest, parseDescriptor } from '../spec/index.js';
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
  diffIds: Digest[];
  /** Compressed blob of the layer this step added, if it added one. */
  layer?: { mediaType: string; digest: Digest; size: number; diffId: Digest };
  /** When the step ran: the `created` of its history entry whenever it is reused (absent in old records). */
  created?: string;
  /**
   * The key later steps build on, when not the record's own: a COPY --from recorded under its
   * definition key names the key of the files it copied (early cut-off).
   */
  key?: string;
}

/**
 * A cache record from disk or from an imported cache, checked: its digests become blob and
 * snapshot paths, so every one must parse. Throws a STORE error naming `where` otherwise.
 */
export function parseCacheRecord(value: unknown, where: string): CacheRecord {
  const record = value as { key?: unknown; result?: { diffIds?: unknown; layer?: { diffId?: unknown } } } | null;
  if (typeof record !== 'object' || record === null || typeof record.key !== 'string' || typeof record.result !== 'object' || record.result === null) {
    throw new TsbuildError('STORE', `${where} is not a cache record`);
  }
  // Keys name record files and, through an alias's `result.key`, the key later steps build on.
  parseDigest(record.key, `${where}: key`, 'STORE');
  const alias = (record.result as { key?: unknown }).key;
  if (alias !== undefined) parseDigest(alias, `${where}: result key`, 'STORE');
  parseDigests(record.result.diffIds, `${where}: diff IDs`, 'STORE');
  const layer = record.result.layer;
  if (layer) {
    parseDescriptor(layer, { where: `${where}: layer` });
    parseDigest(layer.diffId, `${where}: layer diff ID`, 'STORE');
  }
  return value as CacheRecord;
}

/** Reads and checks one record file (see parseCacheRecord). */
export async function readCacheRecord(file: string): Promise<CacheRecord> {
  const text = await readFile(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TsbuildError('STORE', `cache record ${file} is not valid JSON`, { cause: error });
  }
  return parseCacheRecord(value, `cache record ${file}`);
}

export class CacheRecordStore {
  constructor(private readonly dir: string) {}

  static at(root: string): CacheRecordStore {
    return new CacheRecordStore(path.join(root, 'cache', 'records'));
  }

  async get(key: string): Promise<CacheRecord | undefined> {
    try {
      const file = this.fileOf(key);
      const record = await readCacheRecord(file);
      if (record.key !== key) return undefined;
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined); // LRU: last use = mtime
      return record;
    } catch (error) {
      if (isMissing(error) || (error instanceof TsbuildError && error.code === 'STORE')) return undefined; // unreadable: a miss
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
    return path.join(this.dir, `${digestHex(parseDigest(key, 'cache record key', 'STORE'))}.json`);
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
      const digest = (await readCacheRecord(path.join(dir, name))).result.layer?.digest;
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

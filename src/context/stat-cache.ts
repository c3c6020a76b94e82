// Persistent stat cache (git-index style): absolute path + (dev, ino, size, mtime, ctime) ->
// sha256 of the content, so unchanged files are never read again. A file modified shortly before
// it was hashed is "racy" (a later same-tick write would keep its stat) and is re-hashed.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** The stat fields that identify one version of a file. */
export interface StatKey {
  dev: bigint;
  ino: bigint;
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

/** One cached digest: `stat` is `dev:ino:size:mtimeNs:ctimeNs`, compared as one string. */
interface CachedDigest {
  stat: string;
  sha256: string;
  /** Wall clock (ns, decimal) taken before the content was read. */
  hashedAtNs: string;
}

/** On disk: `{version, entries: {absPath: [stat, sha256, hashedAtNs]}}`, one JSON document. */
type StoredEntry = [string, string, string];
interface StoredFile {
  version: 2;
  entries: Record<string, StoredEntry>;
}

/** mtimes this close to the hashing time may hide a same-tick rewrite (covers 2 s FAT clocks). */
const RACY_WINDOW_NS = 2_000_000_000n;
/** Entries not used by this process are dropped beyond this many, so the file stays bounded. */
const MAX_ENTRIES = 1_000_000;

export interface StatCacheOptions {
  /** Wall clock in ns; injectable for tests. */
  now?: () => bigint;
}

export class StatCache {
  readonly file: string;
  readonly counters = { hits: 0, misses: 0, racy: 0 };
  readonly #entries: Map<string, CachedDigest>;
  readonly #recorded = new Map<string, CachedDigest>();
  readonly #now: () => bigint;

  private constructor(file: string, entries: Map<string, CachedDigest>, options: StatCacheOptions) {
    this.file = file;
    this.#entries = entries;
    this.#now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n);
  }

  /** The cache of a tsbuild root: `<root>/cache/statcache.json`. */
  static forRoot(root: string, options: StatCacheOptions = {}): StatCache {
    return StatCache.load(path.join(root, 'cache', 'statcache.json'), options);
  }

  /** Loads `file` (e.g. `<root>/cache/statcache.json`); a missing or unreadable file is an empty cache. */
  static load(file: string, options: StatCacheOptions = {}): StatCache {
    return new StatCache(file, readEntries(file), options);
  }

  /** The cached hex sha256 for this exact stat, unless it changed or was racily recorded. */
  lookup(absPath: string, stat: StatKey): string | undefined {
    const cached = this.#entries.get(absPath);
    if (cached === undefined || cached.stat !== statString(stat)) {
      this.counters.misses++;
      return undefined;
    }
    if (stat.mtimeNs + RACY_WINDOW_NS >= BigInt(cached.hashedAtNs)) {
      this.counters.racy++;
      return undefined;
    }
    this.counters.hits++;
    return cached.sha256;
  }

  /** Wall-clock ns to pass to `record`; take it before reading the content. */
  now(): bigint {
    return this.#now();
  }

  record(absPath: string, stat: StatKey, sha256: string, hashedAtNs: bigint): void {
    const entry: CachedDigest = { stat: statString(stat), sha256, hashedAtNs: `${hashedAtNs}` };
    this.#entries.set(absPath, entry);
    this.#recorded.set(absPath, entry);
  }

  /**
   * Merges this process's entries over what is on disk now and replaces the file atomically
   * (temp file + rename): concurrent writers never corrupt it; the last rename wins.
   */
  save(): void {
    if (this.#recorded.size === 0) return;
    const merged = readEntries(this.file);
    for (const [file, entry] of this.#recorded) merged.set(file, entry);
    if (merged.size > MAX_ENTRIES) for (const file of merged.keys()) if (!this.#recorded.has(file)) merged.delete(file);
    const stored: StoredFile = { version: 2, entries: {} };
    for (const [file, e] of merged) stored.entries[file] = [e.stat, e.sha256, e.hashedAtNs];
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, JSON.stringify(stored));
    renameSync(temp, this.file);
    this.#recorded.clear();
  }
}

function statString(s: StatKey): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

function readEntries(file: string): Map<string, CachedDigest> {
  const entries = new Map<string, CachedDigest>();
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return entries;
  }
  const stored = value as Partial<StoredFile> | null;
  if (typeof stored !== 'object' || stored === null || stored.version !== 2 || typeof stored.entries !== 'object' || stored.entries === null) return entries;
  for (const absPath in stored.entries) {
    const e = stored.entries[absPath];
    if (!Array.isArray(e) || e.length !== 3 || !/^\d+$/.test(e[2])) continue;
    entries.set(absPath, { stat: e[0], sha256: e[1], hashedAtNs: e[2] });
  }
  return entries;
}

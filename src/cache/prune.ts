// Garbage collection of a tsbuild root: cache records (all, by age, or least recently used
// beyond a size), then every blob and snapshot that no named image and no remaining record
// needs. What running builds lease (src/oci/leases.ts) is never removed; recent files are
// spared too, so a build keeps what it wrote before it could lease it.
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { downloadRecordsDir, keptDownloads } from '../context/index.js';
import { chainIds, digestHex, withCollectorLock, type LeasedItems, reachableBlobs } from '../oci/index.js';
import type { DiskContentStore, ImageNames, RootLayout, Digest } from '../oci/index.js';
import { parseConfig } from '../spec/index.js';
import { readCacheRecord, type CacheRecord } from './records.js';

export interface PruneOptions {
  /** Remove every cache record and the RUN --mount=type=cache directories. */
  all?: boolean;
  /** Remove records not used for this long (ms). */
  olderThanMs?: number;
  /** Remove least recently used records until the cache (records' layers) fits this many bytes. */
  keepBytes?: number;
  /** Files younger than this are never removed (a concurrent build may be writing them). */
  graceMs?: number;
}

export interface PruneReport {
  records: number;
  blobs: number;
  snapshots: number;
  bytes: number;
}

interface RecordFile {
  file: string;
  record: CacheRecord;
  lastUsed: number;
  bytes: number;
}

export async function prune(layout: RootLayout, store: DiskContentStore, names: ImageNames, options: PruneOptions = {}): Promise<PruneReport> {
  return withCollectorLock(layout, (leased) => collect(layout, store, names, options, leased));
}

async function collect(
  layout: RootLayout, store: DiskContentStore, names: ImageNames, options: PruneOptions, leased: LeasedItems,
): Promise<PruneReport> {
  const now = Date.now();
  const grace = options.graceMs ?? 10 * 60_000;
  const report: PruneReport = { records: 0, blobs: 0, snapshots: 0, bytes: 0 };
  const kept: RecordFile[] = [];
  for (const item of await readRecords(layout)) {
    if (shouldDrop(item, options, now) && now - item.lastUsed > grace && !leased.record.has(item.record.key)) {
      await rm(item.file, { force: true });
      report.records++;
    } else kept.push(item);
  }
  kept.splice(0, kept.length, ...(await dropLeastRecentlyUsed(kept, options.keepBytes, now - grace, report, leased)));
  // --all also forgets untagged images (docker's dangling ones); otherwise they are kept.
  if (options.all) await names.clearUntagged();
  const roots = [...(await names.list()), ...(await names.listUntagged())].map((n) => n.descriptor);
  const imageBlobs = await reachableBlobs(store, roots);
  const liveBlobs = new Set<string>([...imageBlobs.map((b) => b.digest), ...leased.blob]);
  const liveChains = new Set<string>(leased.snapshot);
  await keepDownloads(layout, options, now, grace, liveBlobs, report);
  for (const item of kept) {
    if (item.record.result.layer) liveBlobs.add(item.record.result.layer.digest);
    for (const id of chainIds(item.record.result.diffIds)) liveChains.add(digestHex(id));
  }
  await addImageChains(store, imageBlobs, liveChains);
  await removeBlobs(layout, liveBlobs, now, grace, report);
  await removeSnapshots(layout, liveChains, now, grace, report);
  if (options.all) await removeCacheMounts(layout, leased.mount);
  return report;
}

/** The bodies `ADD <url>` keeps for revalidation live as long as their records, which age like cache records. */
async function keepDownloads(layout: RootLayout, options: PruneOptions, now: number, grace: number, live: Set<string>, report: PruneReport): Promise<void> {
  for (const download of await keptDownloads(downloadRecordsDir(layout.cache))) {
    if (download.digest && !(shouldDrop(download, options, now) && now - download.lastUsed > grace)) live.add(download.digest);
    else {
      await rm(download.file, { force: true });
      report.records++;
    }
  }
}

function shouldDrop(item: Pick<RecordFile, 'lastUsed'>, options: PruneOptions, now: number): boolean {
  if (options.all) return true;
  return options.olderThanMs !== undefined && now - item.lastUsed > options.olderThanMs;
}

/** Removes the oldest records (used before `cutoff`) until the rest fit; returns the rest. */
async function dropLeastRecentlyUsed(
  records: RecordFile[], keepBytes: number | undefined, cutoff: number, report: PruneReport, leased: LeasedItems,
): Promise<RecordFile[]> {
  if (keepBytes === undefined) return records;
  const oldestFirst = [...records].sort((a, b) => a.lastUsed - b.lastUsed);
  let total = records.reduce((sum, item) => sum + item.bytes, 0);
  const remaining: RecordFile[] = [];
  for (const item of oldestFirst) {
    if (total > keepBytes && item.lastUsed < cutoff && !leased.record.has(item.record.key)) {
      await rm(item.file, { force: true });
      total -= item.bytes;
      report.records++;
    } else remaining.push(item);
  }
  return remaining;
}

async function readRecords(layout: RootLayout): Promise<RecordFile[]> {
  const dir = path.join(layout.cache, 'records');
  const files = await readdir(dir).catch(() => [] as string[]);
  const out: RecordFile[] = [];
  for (const name of files.filter((f) => f.endsWith('.json'))) {
    const file = path.join(dir, name);
    try {
      const info = await stat(file);
      const record = await readCacheRecord(file);
      out.push({ file, record, lastUsed: info.mtimeMs, bytes: record.result.layer?.size ?? 0 });
    } catch {
      await rm(file, { force: true }); // unreadable records are never used again
    }
  }
  return out;
}

/** `--all`: every cache mount directory (and its lock file) but those a running build uses. */
async function removeCacheMounts(layout: RootLayout, leased: Set<string>): Promise<void> {
  const dir = path.join(layout.cache, 'mounts');
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (leased.has(name.replace(/\.lock$/, ''))) continue;
    await rm(path.join(dir, name), { recursive: true, force: true });
  }
}

async function addImageChains(store: DiskContentStore, blobs: { digest: Digest; mediaType: string }[], chains: Set<string>): Promise<void> {
  for (const blob of blobs) {
    if (!/config|container\.image/.test(blob.mediaType)) continue;
    try {
      const config = parseConfig(await store.read(blob.digest), { where: `blob ${blob.digest}` });
      for (const id of chainIds(config.rootfs?.diff_ids ?? [])) chains.add(digestHex(id));
    } catch {
      // a blob that is not a config names no snapshots
    }
  }
}

async function removeBlobs(layout: RootLayout, live: Set<string>, now: number, grace: number, report: PruneReport): Promise<void> {
  for (const hex of await readdir(layout.blobs).catch(() => [] as string[])) {
    if (live.has(`sha256:${hex}`)) continue;
    const file = path.join(layout.blobs, hex);
    const info = await stat(file).catch(() => undefined);
    if (!info || now - info.mtimeMs < grace) continue;
    await rm(file, { force: true });
    report.blobs++;
    report.bytes += info.size;
  }
}

async function removeSnapshots(layout: RootLayout, live: Set<string>, now: number, grace: number, report: PruneReport): Promise<void> {
  for (const name of await readdir(layout.snapshots).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{64}$/.test(name) || live.has(name)) continue;
    const dir = path.join(layout.snapshots, name);
    const info = await stat(dir).catch(() => undefined);
    if (!info || now - info.mtimeMs < grace) continue;
    await rm(dir, { recursive: true, force: true });
    report.snapshots++;
  }
}

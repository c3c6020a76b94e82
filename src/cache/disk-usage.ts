// `tsbuild cache du`: what the root holds, split into what named images need, what only the
// build cache needs, and what nothing references (freed by the next prune).
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { downloadRecordsDir, keptDownloads } from '../context/index.js';
import type { DiskContentStore, ImageNames, RootLayout } from '../oci/index.js';
import { reachableBlobs } from '../oci/index.js';
import { directoryBytes } from '../fs/index.js';
import { readCacheRecord } from './records.js';

export interface DiskUsage {
  images: { blobs: number; bytes: number };
  buildCache: { records: number; blobs: number; bytes: number };
  unreferenced: { blobs: number; bytes: number };
  snapshots: { count: number; bytes: number };
  cacheMounts: { bytes: number };
}

export async function diskUsage(layout: RootLayout, store: DiskContentStore, names: ImageNames): Promise<DiskUsage> {
  const roots = [...(await names.list()), ...(await names.listUntagged())].map((n) => n.descriptor);
  const image = new Set<string>((await reachableBlobs(store, roots)).map((b) => b.digest));
  const cacheOnly = new Set<string>();
  const recordsDir = path.join(layout.cache, 'records');
  const recordFiles = (await readdir(recordsDir).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
  for (const file of recordFiles) {
    const record = await readCacheRecord(path.join(recordsDir, file)).catch(() => undefined);
    const layer = record?.result.layer?.digest;
    if (layer && !image.has(layer)) cacheOnly.add(layer);
  }
  // The bodies ADD <url> keeps for revalidation (download-records.ts).
  for (const download of await keptDownloads(downloadRecordsDir(layout.cache))) {
    if (download.digest && !image.has(download.digest)) cacheOnly.add(download.digest);
  }
  const usage: DiskUsage = {
    images: { blobs: 0, bytes: 0 },
    buildCache: { records: recordFiles.length, blobs: 0, bytes: 0 },
    unreferenced: { blobs: 0, bytes: 0 },
    snapshots: { count: 0, bytes: 0 },
    cacheMounts: { bytes: directoryBytes(path.join(layout.cache, 'mounts')) },
  };
  for (const hex of await readdir(layout.blobs).catch(() => [] as string[])) {
    const size = (await stat(path.join(layout.blobs, hex)).catch(() => undefined))?.size ?? 0;
    const digest = `sha256:${hex}`;
    const bucket = image.has(digest) ? usage.images : cacheOnly.has(digest) ? usage.buildCache : usage.unreferenced;
    bucket.blobs++;
    bucket.bytes += size;
  }
  const snapshots = (await readdir(layout.snapshots).catch(() => [] as string[])).filter((n) => /^[0-9a-f]{64}$/.test(n));
  usage.snapshots = { count: snapshots.length, bytes: directoryBytes(layout.snapshots) };
  return usage;
}

// The downloads `ADD <url>` keeps for revalidation, as BuildKit's http source keeps them: one
// record per URL, `<root>/cache/downloads/<sha256 of the URL>.json`, naming the ETag the server
// gave and the body, a blob of the content store. Records are written through a temp file and
// renamed; one that does not parse is treated as absent (the URL is then downloaded afresh).
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomically } from '../fs/index.js';
import { digestHex, isDigest, sha256Digest, type Digest } from '../spec/index.js';

export interface DownloadRecord {
  url: string;
  /** The ETag without a weak `W/` prefix (compared as BuildKit compares them). */
  etag: string;
  digest: Digest;
  size: number;
  /** The response's Last-Modified, as sent. */
  lastModified?: string;
}

/** An ETag longer than this is not kept: it would only make every record file larger. */
export const MAX_KEPT_ETAG = 1024;

export function downloadRecordsDir(cacheDir: string): string {
  return path.join(cacheDir, 'downloads');
}

function recordFile(dir: string, url: string): string {
  return path.join(dir, `${digestHex(sha256Digest(url))}.json`);
}

function parseRecord(value: unknown, url?: string): DownloadRecord | undefined {
  const record = value as Partial<DownloadRecord> | null;
  if (typeof record !== 'object' || record === null) return undefined;
  if (typeof record.url !== 'string' || (url !== undefined && record.url !== url)) return undefined;
  if (typeof record.etag !== 'string' || record.etag === '' || record.etag.length > MAX_KEPT_ETAG) return undefined;
  if (!isDigest(record.digest) || !Number.isSafeInteger(record.size) || (record.size ?? -1) < 0) return undefined;
  if (record.lastModified !== undefined && typeof record.lastModified !== 'string') return undefined;
  return record as DownloadRecord;
}

async function readRecordFile(file: string, url?: string): Promise<DownloadRecord | undefined> {
  try {
    return parseRecord(JSON.parse(await readFile(file, 'utf8')), url);
  } catch {
    return undefined;
  }
}

/** The record kept for `url`, if any (and valid); reading it marks it used (for prune's age). */
export async function readDownloadRecord(dir: string, url: string): Promise<DownloadRecord | undefined> {
  const file = recordFile(dir, url);
  const record = await readRecordFile(file, url);
  if (record) {
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined);
  }
  return record;
}

export async function writeDownloadRecord(dir: string, record: DownloadRecord): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeAtomically(recordFile(dir, record.url), (temp) => writeFile(temp, JSON.stringify(record)));
}

export async function removeDownloadRecord(dir: string, url: string): Promise<void> {
  await rm(recordFile(dir, url), { force: true });
}

/** Every record file with the blob it keeps and when it was last used (for garbage collection). */
export async function keptDownloads(dir: string): Promise<{ file: string; digest?: Digest; lastUsed: number }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: { file: string; digest?: Digest; lastUsed: number }[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (!info) continue;
    out.push({ file, digest: (await readRecordFile(file))?.digest, lastUsed: info.mtimeMs });
  }
  return out;
}

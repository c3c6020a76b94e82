// ContentStore on disk: `blobs/sha256/<hex>` under a tsbuild root, written through a temp file
// that is hashed while written, fsynced, verified, then renamed into place. rename(2) is atomic,
// so concurrent writers of the same content are safe and a killed writer leaves only a temp file.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readFile, rename, rm, stat, unlink, utimes, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { chunksOf, type BlobSource } from './blob-source.js';
import { blobNotFound, type BlobInfo, type ContentStore } from './content-store.js';
import { DigestCounter, DigestMismatchError, digestHex, HashingStream, isDigest, sha256Digest } from './digest.js';
import { isLeftover, ownerToken, UNKNOWN_OWNER_AFTER_MS } from '../fs/index.js';
import { openRoot, type RootLayout } from './root.js';
import type { Digest } from '../spec/index.js';

/** Writes are batched to this size: fewer syscalls and promise round trips per blob. */
const WRITE_BATCH = 1 << 20;

export class DiskContentStore implements ContentStore {
  private constructor(readonly layout: RootLayout) {}

  /** Opens (creating if needed) the store of a tsbuild root. */
  static async open(root?: string): Promise<DiskContentStore> {
    return new DiskContentStore(await openRoot(root));
  }

  blobPath(digest: Digest): string {
    return join(this.layout.blobs, digestHex(digest));
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  async stat(digest: Digest): Promise<BlobInfo | undefined> {
    try {
      return { digest, size: (await stat(this.blobPath(digest))).size };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async put(source: BlobSource, expected?: Digest): Promise<BlobInfo> {
    if (source instanceof Uint8Array) {
      // A rebuild puts the same config and manifest again: the stored copy is kept (no write, no
      // fsync), its mtime renewed so that GC's grace period spares it as if just written.
      const digest = sha256Digest(source);
      if (expected && digest !== expected) throw new DigestMismatchError(expected, digest);
      if (await this.renew(digest, source.length)) return { digest, size: source.length };
    }
    const tmp = join(this.layout.tmp, `blob-${ownerToken()}-${randomBytes(8).toString('hex')}`);
    try {
      const info = await writeHashed(tmp, source);
      if (expected && info.digest !== expected) throw new DigestMismatchError(expected, info.digest);
      await rename(tmp, this.blobPath(info.digest));
      await syncDirectory(this.layout.blobs);
      return info;
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  /** Renews the mtime of a stored blob of this size; false when there is none. */
  private async renew(digest: Digest, size: number): Promise<boolean> {
    const now = new Date();
    try {
      if ((await stat(this.blobPath(digest))).size !== size) return false;
      await utimes(this.blobPath(digest), now, now);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async open(digest: Digest): Promise<Readable> {
    const stream = createReadStream(this.blobPath(digest), { highWaterMark: WRITE_BATCH });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error) => reject(isNotFound(error) ? blobNotFound(digest) : error));
    });
    const verified = new HashingStream(digest);
    // pipeline, not pipe: a consumer that stops early also closes the file.
    pipeline(stream, verified, () => undefined);
    return verified;
  }

  async read(digest: Digest): Promise<Buffer> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.blobPath(digest));
    } catch (error) {
      throw isNotFound(error) ? blobNotFound(digest) : error;
    }
    const actual = sha256Digest(bytes);
    if (actual !== digest) throw new DigestMismatchError(digest, actual);
    return bytes;
  }

  async delete(digest: Digest): Promise<void> {
    await unlink(this.blobPath(digest)).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }

  /**
   * Deletes the temp files (partial blobs, name index drafts) of writers that died: at once when
   * the owner token in the name shows its process is gone, after `unknownOwnerAfterMs` when the
   * owner cannot be checked (another pid namespace sharing the root). Scratch dirs are the
   * executor's to sweep (they may hold mounts).
   */
  async removeStaleTemps(unknownOwnerAfterMs = UNKNOWN_OWNER_AFTER_MS): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.layout.tmp)) {
      const path = join(this.layout.tmp, name);
      const info = await lstat(path).catch(() => undefined);
      if (!info || info.isDirectory() || !isLeftover(name, Date.now() - info.mtimeMs, unknownOwnerAfterMs)) continue;
      await rm(path, { force: true });
      removed++;
    }
    return removed;
  }

  async *list(): AsyncIterable<Digest> {
    for (const name of await readdir(this.layout.blobs)) {
      const digest = `sha256:${name}`;
      if (isDigest(digest)) yield digest;
    }
  }
}

/** Writes `source` to `path` in big batches, hashing as it goes, and fsyncs before returning. */
async function writeHashed(path: string, source: BlobSource): Promise<BlobInfo> {
  const counter = new DigestCounter();
  const file = await open(path, 'wx', 0o644);
  try {
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    for await (const chunk of chunksOf(source)) {
      counter.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      if (pendingBytes >= WRITE_BATCH) {
        await writeAll(file, pending);
        pending = [];
        pendingBytes = 0;
      }
    }
    await writeAll(file, pending);
    await file.sync();
  } finally {
    await file.close();
  }
  return { digest: counter.digest(), size: counter.size };
}

async function writeAll(file: FileHandle, chunks: Uint8Array[]): Promise<void> {
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  for (let offset = 0; offset < bytes.byteLength; ) {
    offset += (await file.write(bytes, offset)).bytesWritten;
  }
}

/** Makes a rename durable: without it a crash can lose the new directory entry. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

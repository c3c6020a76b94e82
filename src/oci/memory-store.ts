// ContentStore in memory, for tests and for short-lived pipelines that need no disk.
import { Readable } from 'node:stream';
import type { BlobSource } from './blob-source.js';
import { chunksOf } from './blob-source.js';
import { blobNotFound, type BlobInfo, type ContentStore } from './content-store.js';
import { DigestCounter, DigestMismatchError, sha256Digest } from './digest.js';
import type { Digest } from '../spec/index.js';

export class MemoryContentStore implements ContentStore {
  private readonly blobs = new Map<Digest, Buffer>();

  async has(digest: Digest): Promise<boolean> {
    return this.blobs.has(digest);
  }

  async stat(digest: Digest): Promise<BlobInfo | undefined> {
    const bytes = this.blobs.get(digest);
    return bytes ? { digest, size: bytes.byteLength } : undefined;
  }

  async put(source: BlobSource, expected?: Digest): Promise<BlobInfo> {
    const counter = new DigestCounter();
    const chunks: Uint8Array[] = [];
    for await (const chunk of chunksOf(source)) {
      counter.update(chunk);
      chunks.push(chunk);
    }
    const digest = counter.digest();
    if (expected && digest !== expected) throw new DigestMismatchError(expected, digest);
    this.blobs.set(digest, Buffer.concat(chunks));
    return { digest, size: counter.size };
  }

  async open(digest: Digest): Promise<Readable> {
    return Readable.from([await this.read(digest)]);
  }

  async read(digest: Digest): Promise<Buffer> {
    const bytes = this.blobs.get(digest);
    if (!bytes) throw blobNotFound(digest);
    const actual = sha256Digest(bytes);
    if (actual !== digest) throw new DigestMismatchError(digest, actual);
    return bytes;
  }

  async delete(digest: Digest): Promise<void> {
    this.blobs.delete(digest);
  }

  async *list(): AsyncIterable<Digest> {
    yield* [...this.blobs.keys()];
  }

  /** Test hook: replaces stored bytes without re-hashing, to exercise verification. */
  corruptForTest(digest: Digest, bytes: Buffer): void {
    this.blobs.set(digest, bytes);
  }
}

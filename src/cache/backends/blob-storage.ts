// A cache kept as named objects (an S3 bucket, the GitHub Actions cache): one manifest object and
// one object per blob. The storage only moves bytes; what comes back is checked here: the
// manifest and config are read with a bound, every blob must have its descriptor's size and digest.
import type { Readable } from 'node:stream';
import pLimit from 'p-limit';
import { TsbuildError } from '../../errors.js';
import type { ContentStore, Descriptor } from '../../oci/index.js';
import { BodyLimit } from '../../registry/index.js';
import { parseManifest } from '../../spec/index.js';
import type { CacheBackend } from '../backend.js';
import { parseCacheConfig } from '../cache-manifest.js';

/** A cache config lists every record of a build: far larger than a manifest, still bounded. */
const CONFIG_LIMIT = 64 * 1024 * 1024;

export interface ObjectBody extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
}

export interface BlobStorage {
  readonly description: string;
  /** Blobs checked and sent at once on export (default 1). */
  readonly uploadParallelism?: number;
  /** The manifest's bytes (at most `limit`, more is an error), or undefined when there is none. */
  readManifest(limit: number): Promise<Buffer | undefined>;
  writeManifest(bytes: Buffer): Promise<void>;
  hasBlob(descriptor: Descriptor): Promise<boolean>;
  /** The blob's bytes as sent; throws NOT_FOUND when it is absent. */
  openBlob(descriptor: Descriptor): Promise<ObjectBody>;
  writeBlob(descriptor: Descriptor, open: () => Promise<Readable>): Promise<void>;
}

export function blobStorageBackend(storage: BlobStorage): CacheBackend {
  const where = storage.description;
  return {
    description: where,
    async import(store) {
      const bytes = await storage.readManifest(BodyLimit.manifest);
      if (!bytes) throw new TsbuildError('NOT_FOUND', `${where}: no cache manifest`);
      const manifest = parseManifest(bytes, { where: `cache ${where}`, code: 'CACHE_BACKEND' });
      if (manifest.config.size > CONFIG_LIMIT) throw tooLarge(where, 'cache config', CONFIG_LIMIT);
      await fetchVerified(storage, store, manifest.config);
      const config = parseCacheConfig(await store.read(manifest.config.digest), where);
      return { config, fetchBlob: (descriptor) => fetchVerified(storage, store, descriptor) };
    },
    async export(store, { manifest, blobs }) {
      const limit = pLimit(storage.uploadParallelism ?? 1);
      await Promise.all(blobs.map((blob) => limit(async () => {
        if (!(await storage.hasBlob(blob))) await storage.writeBlob(blob, () => store.open(blob.digest));
      })));
      await storage.writeManifest(await store.read(manifest.digest));
    },
  };
}

export function tooLarge(where: string, what: string, limit: number): TsbuildError {
  return new TsbuildError('CACHE_BACKEND', `${where}: ${what} is larger than ${limit} bytes`);
}

/** Brings one blob into the store: no more bytes than its size, then the store checks the digest. */
async function fetchVerified(storage: BlobStorage, store: ContentStore, descriptor: Descriptor): Promise<void> {
  const body = await storage.openBlob(descriptor);
  await store.put(bounded(body, descriptor, storage.description), descriptor.digest);
}

async function* bounded(body: ObjectBody, descriptor: Descriptor, where: string): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > descriptor.size) {
      body.destroy();
      throw new TsbuildError('CACHE_BACKEND', `${where}: blob ${descriptor.digest} has more than its ${descriptor.size} bytes`);
    }
    yield chunk;
  }
  if (size !== descriptor.size) {
    throw new TsbuildError('CACHE_BACKEND', `${where}: blob ${descriptor.digest} has ${size} bytes, not ${descriptor.size}`);
  }
}

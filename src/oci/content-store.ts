// The content-store contract: blobs addressed by digest. Implementations: disk (the root's
// `blobs/sha256/<hex>`) and memory (tests). Inspired by umoci's oci/cas.
import type { Readable } from 'node:stream';
import { TsbuildError } from '../errors.js';
import type { Digest } from '../spec/index.js';

export interface BlobInfo {
  digest: Digest;
  size: number;
}

export interface ContentStore {
  /** True when a blob with this digest is stored (and complete). */
  has(digest: Digest): Promise<boolean>;
  /** Size of a stored blob, or undefined when it is absent. */
  stat(digest: Digest): Promise<BlobInfo | undefined>;
  /**
   * Stores the bytes of `source`, hashing while writing. When `expected` is given and the bytes
   * do not match it, nothing is kept and a DigestMismatchError (code DIGEST_MISMATCH) is thrown.
   * Idempotent: resolving means the content is stored at the digest, not that this call stored
   * it. Atomic: a crash never leaves a partial blob under its final name.
   */
  put(source: Readable | AsyncIterable<Uint8Array> | Uint8Array, expected?: Digest): Promise<BlobInfo>;
  /** Streams a stored blob; the stream errors with DIGEST_MISMATCH if the bytes were altered. */
  open(digest: Digest): Promise<Readable>;
  /** Reads a small blob (manifests, configs) fully and verifies it. */
  read(digest: Digest): Promise<Buffer>;
  /** Removes a blob; no error when it is absent. */
  delete(digest: Digest): Promise<void>;
  /** Lists every stored digest. */
  list(): AsyncIterable<Digest>;
}

/** The error every ContentStore throws for a digest it does not hold. */
export function blobNotFound(digest: Digest): TsbuildError {
  return new TsbuildError('NOT_FOUND', `blob ${digest} not found in the content store`);
}

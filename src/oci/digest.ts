// Hashing streams as they flow, and the mismatch error. Parsing digests and hashing buffers
// live in src/spec/digest.ts (re-exported here for the store's users).
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { TsbuildError } from '../errors.js';
import { digestOfHash, type Digest } from '../spec/index.js';

export { digestHex, isDigest, parseDigest, sha256Digest } from '../spec/index.js';

export class DigestMismatchError extends TsbuildError {
  readonly expected: Digest;
  readonly actual: Digest;

  constructor(expected: Digest, actual: Digest, what = 'content') {
    super('DIGEST_MISMATCH', `${what} digest mismatch: expected ${expected}, got ${actual}`);
    this.expected = expected;
    this.actual = actual;
  }
}

/** Incremental sha256 plus byte count; `digest()` may be called once, at the end. */
export class DigestCounter {
  private readonly hash: Hash = createHash('sha256');
  size = 0;

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.size += chunk.byteLength;
  }

  digest(): Digest {
    return digestOfHash(this.hash);
  }
}

/**
 * A passthrough that hashes and counts what flows through it. With `expected`, it errors with
 * DigestMismatchError at the end instead of finishing when the bytes do not match.
 */
export class HashingStream extends Transform {
  private readonly counter = new DigestCounter();
  private result: Digest | undefined;

  constructor(private readonly expected?: Digest) {
    super();
  }

  get size(): number {
    return this.counter.size;
  }

  /** The digest of everything that passed; available once the stream has flushed. */
  get digest(): Digest {
    if (!this.result) throw new TsbuildError('INTERNAL', 'HashingStream digest read before the end');
    return this.result;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.counter.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.result = this.counter.digest();
    if (this.expected && this.result !== this.expected) {
      done(new DigestMismatchError(this.expected, this.result));
      return;
    }
    done();
  }
}

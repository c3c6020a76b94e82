// Content digests: parsing `sha256:<hex>` (and `sha512:<hex>`), hashing buffers, and hashing
// streams as they flow. A digest becomes a file name and a URL path, so every digest from outside
// goes through `parseDigest` first: `sha256:../../x` must never reach a path.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { TsbuildError, type ErrorCode } from '../errors.js';
import type { Digest } from './types.js';

const DIGEST_PATTERN = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const SHA256_PATTERN = /^sha256:[a-f0-9]{64}$/;

/**
 * Validates `sha256:<64 lowercase hex>` or `sha512:<128 lowercase hex>` and brands it; throws
 * with `code` (USAGE for command-line input) naming `where` the digest came from otherwise.
 */
export function parseDigest(text: unknown, where = 'digest', code: ErrorCode = 'USAGE'): Digest {
  if (typeof text !== 'string' || !DIGEST_PATTERN.test(text)) {
    const shown = typeof text === 'string' ? JSON.stringify(text.slice(0, 200)) : String(text);
    throw new TsbuildError(code, `${where}: invalid digest ${shown}: expected sha256:<64 hex digits> or sha512:<128 hex digits>`);
  }
  return text as Digest;
}

export function isDigest(text: unknown): text is Digest {
  return typeof text === 'string' && DIGEST_PATTERN.test(text);
}

/**
 * The hex part of a sha256 digest, used as a file name. Throws for anything else, so no digest
 * that skipped parsing (or uses an algorithm the store does not keep) ever becomes a path.
 */
export function digestHex(digest: Digest): string {
  if (!SHA256_PATTERN.test(digest)) {
    const shown = JSON.stringify(String(digest).slice(0, 200));
    const why = isDigest(digest) ? 'only sha256 content is stored' : 'not a valid digest';
    throw new TsbuildError('STORE', `refusing blob ${shown} as a file name: ${why}`);
  }
  return digest.slice('sha256:'.length);
}

export function sha256Digest(bytes: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}` as Digest;
}

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
    return `sha256:${this.hash.digest('hex')}` as Digest;
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

// Content digests: the `Digest` type and the only ways to make one, by parsing `sha256:<hex>`
// (or sha384/sha512, the algorithms of go-digest) or by hashing bytes. A digest becomes a file
// name and a URL path, so every digest from outside goes through `parseDigest` first:
// `sha256:../../x` must never reach a path.
import { createHash, type Hash } from 'node:crypto';
import { TsbuildError, type ErrorCode } from '../errors.js';

/** `sha256:<64 hex>` (or sha384/sha512); made only by `parseDigest`, `isDigest` or hashing here. */
export type Digest = string & { readonly __brand: 'Digest' };

const DIGEST_PATTERN = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;
const SHA256_PATTERN = /^sha256:[a-f0-9]{64}$/;

/**
 * Validates `sha256:<64 lowercase hex>` (or sha384/sha512) and brands it; throws with `code`
 * (USAGE for command-line input) naming `where` the digest came from otherwise.
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

/** The same list with every member parsed (e.g. a cache record's diff IDs). */
export function parseDigests(list: unknown, where = 'digests', code: ErrorCode = 'STORE'): Digest[] {
  if (!Array.isArray(list)) throw new TsbuildError(code, `${where}: expected a list of digests`);
  return list.map((item, i) => parseDigest(item, `${where}[${i}]`, code));
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

/** The sha256 digest of some bytes. */
export function sha256Digest(bytes: Uint8Array | string): Digest {
  return digestOfHash(createHash('sha256').update(bytes));
}

/** Finishes a sha256 `Hash` that was fed incrementally; the hash cannot be used afterwards. */
export function digestOfHash(hash: Hash): Digest {
  return `sha256:${hash.digest('hex')}` as Digest;
}

// Cache keys: a step's key is the hash of its definition, its inputs' keys and the content
// digests of exactly what it reads (see docs/design/cache.md).
import { createHash } from 'node:crypto';
import { canonicalJson } from '../spec/index.js';

/** Everything that decides a step's result; secrets never appear here. */
export interface CacheKeyParts {
  /** The expanded step definition (op, env, user, cwd, mounts, network...), canonicalised. */
  definition: unknown;
  /** Keys of the steps this one builds on, in input order. */
  inputKeys: readonly string[];
  /** Content read from outside the plan: named digests, e.g. `context: sha256:...`, `image: sha256:...`. */
  contents: Readonly<Record<string, string>>;
}

/** Bumped whenever the meaning of a record changes, so old records are never misread. */
const KEY_VERSION = 'tsbuild-cache-v2';

export function cacheKey(parts: CacheKeyParts): string {
  const hash = createHash('sha256');
  hash.update(KEY_VERSION);
  hash.update('\0');
  hash.update(canonicalJson(parts));
  return `sha256:${hash.digest('hex')}`;
}

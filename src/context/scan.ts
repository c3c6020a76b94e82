// The build context in one call: .dockerignore rules, the walk and the content hashes, with the
// persistent stat cache saved afterwards so the next build reads only changed files.
import { loadIgnoreRules } from '../context/dockerignore.js';
import { walkContext, type ContextEntry } from '../context/context.js';
import { hashContextFiles, type ContentHasher } from '../context/hash.js';
import type { StatCache } from '../context/stat-cache.js';

export interface ScanOptions {
  /** The Dockerfile, so `<Dockerfile>.dockerignore` beside it takes precedence. */
  dockerfilePath?: string;
  /** Loaded with `StatCache.load(<root>/cache/statcache.json)`; saved by this call. */
  statCache?: StatCache;
  hashFile?: ContentHasher;
}

/** Every non-ignored entry of the context, files hashed. */
export async function scanContext(contextDir: string, options: ScanOptions = {}): Promise<ContextEntry[]> {
  const matcher = await loadIgnoreRules(contextDir, options.dockerfilePath);
  const entries = walkContext(contextDir, matcher);
  hashContextFiles(contextDir, entries, { statCache: options.statCache, hashFile: options.hashFile });
  options.statCache?.save();
  return entries;
}

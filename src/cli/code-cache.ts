// Runs the CLI's CommonJS bundle through V8's code cache on Node versions without
// `module.enableCompileCache` (< 22.1): compiling the bundle's functions is most of a no-op
// build's CPU time, reading their compiled code back is a fraction of it.
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * Runs `file` as a CommonJS module with the cache kept in `cacheDir`. One cache per `command`:
 * V8 caches the functions compiled up to the moment it is written (at exit), so a cache made by
 * `--version` would leave a build compiling all of its own. Until a command has one, the cache
 * `npm run build` made beside the bundle (`<file>-<digest>.cache`, from `--version`) spares the
 * first run in a root the parse of the whole bundle.
 */
export function runWithCodeCache(file: string, cacheDir: string, command: string): void {
  const bytes = readFileSync(file);
  // V8 checks a cache against the source's length only: the name carries a digest of the source
  // (and of the Node version, whose V8 rejects another's cache).
  const digest = createHash('sha256').update(process.version).update(bytes).digest('hex').slice(0, 32);
  // esbuild writes ASCII: decoded as latin1 it is the same text, without a UTF-8 decoder's pass.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  const cacheFile = join(cacheDir, `${digest}-${command}`);
  const own = trustedDir(cacheDir) ? readIfPresent(cacheFile) : undefined;
  const cachedData = own ?? readIfPresent(shippedCachePath(file, digest));
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  if (own === undefined || script.cachedDataRejected) {
    // Checked at exit, so that the build that made the root leaves the cache for the next one.
    process.once('exit', (status) => {
      if (status === 0 && ownedCacheDir(cacheDir)) saveCache(cacheDir, cacheFile, digest, script);
    });
  }
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
}

/** The cache `npm run build` writes beside the bundle (scripts/bundle-cli.mjs). */
function shippedCachePath(file: string, digest: string): string {
  return `${file}-${digest}.cache`;
}

/**
 * The cache directory, made if missing, in a root that exists (`tsbuild --version` on a fresh
 * machine makes no root); see trustedDir.
 */
function ownedCacheDir(dir: string): boolean {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  return trustedDir(dir);
}

/**
 * Compiled code is run as is, so it is read only from a directory nobody but this user can write
 * to (never the shared /tmp).
 */
function trustedDir(dir: string): boolean {
  try {
    const stats = lstatSync(dir);
    return stats.isDirectory() && stats.uid === process.getuid?.() && (stats.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache atomically and drops the caches of other bundles (an older tsbuild or Node). */
function saveCache(dir: string, file: string, digest: string, script: Script): void {
  try {
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, file);
    // Only this launcher's caches (Node >= 22.1 keeps its own in a subdirectory here).
    for (const name of readdirSync(dir)) if (/^[0-9a-f]{32}-[a-z-]+$/.test(name) && !name.startsWith(digest)) rmSync(join(dir, name), { force: true });
  } catch {
    // A cache is an optimisation: a full disk or a read-only root only costs the next start-up.
  }
}

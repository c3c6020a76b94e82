// Start of the built `tsbuild` (dist/cli.js loads dist/cli-launcher.cjs, made from this file by
// scripts/bundle-cli.mjs): runs the CLI, bundled into one CommonJS file (dist/cli-main.cjs),
// through V8's code cache in tsbuild's own root, never in the shared /tmp default, where another
// user could plant cache data for a root process to load.
import module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWithCodeCache } from './cli/code-cache.js';
import { resolveRoot } from './oci/root.js';

const bundle = fileURLToPath(new URL('./cli-main.cjs', import.meta.url));
const cacheDir = join(resolveRoot(), 'compile-cache');
const { enableCompileCache } = module as { enableCompileCache?: (directory: string) => unknown };
if (enableCompileCache) {
  enableCompileCache(cacheDir);
  createRequire(import.meta.url)(bundle);
} else {
  runWithCodeCache(bundle, cacheDir, commandWord(process.argv));
}

/** The command (`build`, `images`...) a cache is kept for; `none` for `--version` and the like. */
function commandWord(argv: string[]): string {
  const word = argv.slice(2).find((arg) => !arg.startsWith('-'));
  return word !== undefined && /^[a-z][a-z-]{0,31}$/.test(word) ? word : 'none';
}

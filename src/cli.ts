#!/usr/bin/env -S node --
// Entry point of the CLI run from its sources (`node --import tsx src/cli.ts`). The built
// `tsbuild` (bin/tsbuild, dist/cli.js) starts the one-file bundle instead: src/cli-launcher.ts.
// The `--` above keeps Node from reading tsbuild's arguments (--env-file) when this file is run
// directly.
import module from 'node:module';
import { join } from 'node:path';
import { resolveRoot } from './oci/root.js';

// V8's code cache (Node >= 22.1; absent on 20) in tsbuild's own root, never in the shared
// /tmp default, where another user could plant cache data for a root process to load.
const { enableCompileCache } = module as { enableCompileCache?: (directory: string) => unknown };
enableCompileCache?.(join(resolveRoot(), 'compile-cache'));

// Imported after the cache is on, so that the CLI's modules are compiled through it.
const { main } = await import('./cli/main.js');
process.exitCode = await main(process.argv);

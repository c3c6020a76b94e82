// Bundles the CLI (src/cli.ts) with esbuild into dist/cli.js, minified, so that the start-up of
// `tsbuild` reads one file instead of ~150 modules. The modules a command imports lazily (the
// build engine, the registry client, tar) become chunks beside it (dist/cli-chunk-*.js), loaded
// only by the commands that need them. tsc's per-module output stays for the library
// (dist/index.js) and the Action; this overwrites only tsc's dist/cli.js.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

// Every output file lies directly in dist/, so a module's `import.meta.url` becomes the URL its
// tsc output would have (dist/<same path>.js): paths it resolves from there (native/build/…)
// stay right.
const importMetaUrlOfSource = {
  name: 'import-meta-url-of-source',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[/\\]src[/\\].*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const asBuilt = `./${path.relative(path.join(root, 'src'), args.path).split(path.sep).join('/').replace(/\.ts$/, '.js')}`;
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(asBuilt)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

for (const name of readdirSync(dist)) if (name.startsWith('cli-chunk-')) rmSync(path.join(dist, name));

// tsbuild's own modules run no code at import time, so a module reached only through a module's
// index.ts (its public surface) but not used is left out, instead of kept "for its side effects".
const sourcesWithoutSideEffects = {
  name: 'sources-without-side-effects',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === 'resolving' || !args.importer.startsWith(path.join(root, 'src'))) return undefined;
      const resolved = await esbuild.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolving' });
      if (resolved.errors.length > 0 || !resolved.path.startsWith(path.join(root, 'src'))) return undefined;
      return { path: resolved.path, sideEffects: false };
    });
  },
};

await build({
  entryPoints: { cli: path.join(root, 'src', 'cli.ts') },
  outdir: dist,
  chunkNames: 'cli-chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true, // error class names appear in messages
  legalComments: 'none',
  logLevel: 'warning',
  define: { TSBUILD_VERSION: JSON.stringify(version) },
  // Bundled CommonJS packages (commander, undici) call require() for Node's built-ins.
  banner: { js: 'import{createRequire as __tsbuildCreateRequire}from"node:module";const require=__tsbuildCreateRequire(import.meta.url);' },
  plugins: [importMetaUrlOfSource, sourcesWithoutSideEffects],
});

// Bundles the CLI with esbuild into one minified CommonJS file, dist/cli-main.cjs, and its
// launcher (src/cli-launcher.ts) into dist/cli-launcher.cjs, started by dist/cli.js, so that
// the start-up of `tsbuild` reads three files instead of ~190 modules and compiles the bundle
// through V8's code cache (Node 20 has a code cache API for scripts, none for ES modules). What only some commands need (undici, tar, the
// build engine) is in the bundle but runs only when a command imports it: esbuild turns each
// `import()` of a bundled module into a call of that module's lazy initialiser. tsc's per-module
// output stays for the library (dist/index.js) and the Action; this overwrites only tsc's dist/cli.js.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

// The bundle lies directly in dist/, so a module's `import.meta.url` becomes the URL its tsc
// output would have (dist/<same path>.js): paths it resolves from there (native/build/…) stay
// right.
const importMetaUrlOfSource = {
  name: 'import-meta-url-of-source',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[/\\]src[/\\].*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const asBuilt = `./${path.relative(path.join(root, 'src'), args.path).split(path.sep).join('/').replace(/\.ts$/, '.js')}`;
      const bundleUrl = 'require("node:url").pathToFileURL(__filename)';
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(asBuilt)}, ${bundleUrl}).href`), loader: 'ts' };
    });
  },
};

// Chunks of the earlier split ES module bundle, code caches of earlier bundles.
for (const name of readdirSync(dist)) if (name.startsWith('cli-chunk-') || /^cli-main\.cjs-.*\.cache$/.test(name)) rmSync(path.join(dist, name));

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

// `import('node:fs')` would stay an import() in CommonJS output, which a script compiled with
// node:vm cannot run: it becomes a lazily initialised module that require()s the built-in.
const builtinImportsAsRequire = {
  name: 'builtin-imports-as-require',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'builtin-import' } : undefined));
    esbuild.onLoad({ filter: /.*/, namespace: 'builtin-import' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true, // error class names appear in messages
  legalComments: 'none',
  logLevel: 'warning',
};

await build({
  ...common,
  stdin: {
    contents: "import { main } from './src/cli/main.ts';\nvoid main(process.argv).then((status) => { process.exitCode = status; });\n",
    resolveDir: root,
    sourcefile: 'cli-main.ts',
    loader: 'ts',
  },
  outfile: path.join(dist, 'cli-main.cjs'),
  format: 'cjs',
  define: { TSBUILD_VERSION: JSON.stringify(version) },
  plugins: [importMetaUrlOfSource, sourcesWithoutSideEffects, builtinImportsAsRequire],
});

await build({
  ...common,
  entryPoints: [path.join(root, 'src', 'cli-launcher.ts')],
  outfile: path.join(dist, 'cli-launcher.cjs'),
  format: 'cjs',
  plugins: [importMetaUrlOfSource],
});

// dist/cli.js is an ES module (the package's "type"): it imports one built-in and hands over to
// the CommonJS launcher, whose built-ins load without an ES module facade each. The `--` keeps
// Node from reading tsbuild's arguments (--env-file) when this file is run directly.
writeFileSync(
  path.join(dist, 'cli.js'),
  '#!/usr/bin/env -S node --\n// The `tsbuild` command: see src/cli-launcher.ts.\nimport { createRequire } from \'node:module\';\ncreateRequire(import.meta.url)(\'./cli-launcher.cjs\');\n',
  { mode: 0o755 },
);

// The code cache of `tsbuild --version` (the CLI's start-up), shipped beside the bundle for the
// first run of each command in a root (src/cli/code-cache.ts names it): made by running it over a
// scratch root, for this Node version only (V8 rejects another's; Node >= 22.1 keeps its own).
const scratchRoot = mkdtempSync(path.join(tmpdir(), 'tsbuild-code-cache-'));
try {
  const run = spawnSync(process.execPath, [path.join(dist, 'cli.js'), '--version'], { env: { ...process.env, TSBUILD_ROOT: scratchRoot }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`dist/cli.js --version failed: ${run.stderr}`);
  const bundle = path.join(dist, 'cli-main.cjs');
  const digest = createHash('sha256').update(process.version).update(readFileSync(bundle)).digest('hex').slice(0, 32);
  const made = path.join(scratchRoot, 'compile-cache', `${digest}-none`);
  if (existsSync(made)) {
    copyFileSync(made, `${bundle}-${digest}.cache`);
    chmodSync(`${bundle}-${digest}.cache`, 0o644);
  }
} finally {
  rmSync(scratchRoot, { recursive: true, force: true });
}

// Builds tsbuild's native helpers into native/build/: tsbuild-sandbox (the builtin sandbox; runc is
// the fallback without it) and tsbuild-fsutil (xattrs, mknod, overlay mounts and file locks, which
// Node has no binding for; needed by build and run). Never fails the install: a missing helper is
// reported here and again, with how to build it, when a command needs it.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const helpers = [
  { name: 'tsbuild-sandbox', without: 'the runc backend will be used instead' },
  { name: 'tsbuild-fsutil', without: 'build and run will fail until it is built (run `node scripts/build-native.mjs`)' },
];

function compile(compiler, extra, source, output) {
  const flags = ['-O2', '-Wall', '-o', output, source];
  const result = spawnSync(compiler, [...extra, ...flags], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.error) return { ok: false, why: result.error.message };
  return { ok: result.status === 0, why: result.stderr.trim() };
}

function build(compiler, { name, without }) {
  const source = fileURLToPath(new URL(`../native/${name}.c`, import.meta.url));
  const output = fileURLToPath(new URL(`../native/build/${name}`, import.meta.url));
  // A static binary keeps working inside any rootfs layout; fall back to dynamic without libc.a.
  const attempts = [['-static'], []];
  let last = '';
  for (const extra of attempts) {
    const result = compile(compiler, extra, source, output);
    if (result.ok) {
      console.log(`tsbuild: built ${output}${extra.length ? ' (static)' : ''}`);
      return;
    }
    last = result.why;
  }
  console.warn(`tsbuild: could not build ${name} with ${compiler}; ${without}.\n${last}`);
}

function main() {
  if (process.platform !== 'linux') {
    console.warn('tsbuild: the native helpers are Linux-only; skipping them');
    return;
  }
  mkdirSync(fileURLToPath(new URL('../native/build/', import.meta.url)), { recursive: true });
  const compiler = process.env.CC || 'cc';
  for (const helper of helpers) {
    try {
      build(compiler, helper);
    } catch (err) {
      console.warn(`tsbuild: skipping ${helper.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

try {
  main();
} catch (err) {
  console.warn(`tsbuild: skipping the native helpers: ${err instanceof Error ? err.message : String(err)}`);
}
process.exit(0);

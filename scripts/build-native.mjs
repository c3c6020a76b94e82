// Builds the sandbox helper native/build/tsbuild-sandbox; never fails the install (runc is the fallback).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../native/tsbuild-sandbox.c', import.meta.url));
const output = fileURLToPath(new URL('../native/build/tsbuild-sandbox', import.meta.url));
const flags = ['-O2', '-Wall', '-o', output, source];

function compile(compiler, extra) {
  const result = spawnSync(compiler, [...extra, ...flags], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.error) return { ok: false, why: result.error.message };
  return { ok: result.status === 0, why: result.stderr.trim() };
}

function main() {
  if (process.platform !== 'linux') {
    console.warn('tsbuild: the builtin sandbox is Linux-only; skipping the native helper');
    return;
  }
  mkdirSync(fileURLToPath(new URL('../native/build/', import.meta.url)), { recursive: true });
  const compiler = process.env.CC || 'cc';
  // A static binary keeps working inside any rootfs layout; fall back to dynamic without libc.a.
  const attempts = [['-static'], []];
  let last = '';
  for (const extra of attempts) {
    const result = compile(compiler, extra);
    if (result.ok) {
      console.log(`tsbuild: built ${output}${extra.length ? ' (static)' : ''}`);
      return;
    }
    last = result.why;
  }
  console.warn(`tsbuild: could not build the sandbox helper with ${compiler}; the runc backend will be used instead.\n${last}`);
}

try {
  main();
} catch (err) {
  console.warn(`tsbuild: skipping the native sandbox helper: ${err instanceof Error ? err.message : String(err)}`);
}
process.exit(0);

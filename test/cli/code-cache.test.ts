// The built CLI (dist/cli.js) compiles its bundle through V8's code cache kept in
// `<root>/compile-cache` (Node 20 has no module.enableCompileCache): written by the first run of
// a command that ends with a root, read by the next ones, replaced when V8 rejects it, and never
// read from a directory another user could write to; until then `npm run build`'s cache of the
// start-up, shipped beside the bundle, is used.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tsbuild-code-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hasCompileCacheApi = 'enableCompileCache' in (await import('node:module')).default;

function tsbuild(root: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, TSBUILD_ROOT: root } });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

function newRoot(name: string): string {
  const root = join(work, name);
  mkdirSync(root, { mode: 0o700 });
  return root;
}

const cacheFiles = (root: string) => readdirSync(join(root, 'compile-cache')).filter((name) => !name.endsWith('.tmp'));

describe.runIf(!hasCompileCacheApi)('the CLI code cache (Node < 22.1)', () => {
  it('is written by the first run of a command and read, not rewritten, by the next', () => {
    const root = newRoot('reuse');
    expect(tsbuild(root, '--version').trim()).toMatch(/^\d+\.\d+\.\d+/);
    const [file, ...more] = cacheFiles(root);
    expect(more).toEqual([]);
    expect(file).toMatch(/^[0-9a-f]{32}-none$/);
    const written = statSync(join(root, 'compile-cache', file!), { bigint: true });
    expect(written.size).toBeGreaterThan(10_000n);
    expect(statSync(join(root, 'compile-cache')).mode & 0o777).toBe(0o700);

    expect(tsbuild(root, '--version').trim()).toMatch(/^\d+\.\d+\.\d+/);
    const again = statSync(join(root, 'compile-cache', file!), { bigint: true });
    expect({ ino: again.ino, mtime: again.mtimeNs }).toEqual({ ino: written.ino, mtime: written.mtimeNs });

    // Another command has its own cache (the functions it compiled are what it needs next time).
    tsbuild(root, 'images');
    expect(cacheFiles(root).length).toBe(2);

    // A new cache drops those of other bundles, and nothing else kept there.
    const stale = join(root, 'compile-cache', `${'0'.repeat(32)}-build`);
    writeFileSync(stale, 'an older bundle\'s cache');
    mkdirSync(join(root, 'compile-cache', 'v22-node-cache'));
    rmSync(join(root, 'compile-cache', file!));
    tsbuild(root, '--version');
    expect(existsSync(stale)).toBe(false);
    expect(cacheFiles(root).sort()).toEqual([file!, file!.replace(/-none$/, '-images'), 'v22-node-cache'].sort());
  });

  it('replaces a cache V8 rejects, and the command still runs', () => {
    const root = newRoot('rejected');
    tsbuild(root, '--version');
    const [file] = cacheFiles(root);
    writeFileSync(join(root, 'compile-cache', file!), 'not V8 code cache data');
    expect(tsbuild(root, '--version').trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(statSync(join(root, 'compile-cache', file!)).size).toBeGreaterThan(10_000);
  });

  it('is left by the command that made the root', () => {
    const root = join(work, 'made-by-images');
    expect(tsbuild(root, 'images')).toContain('REPOSITORY');
    expect(cacheFiles(root)).toEqual([expect.stringMatching(/-images$/)]);
  });

  it('is shipped beside the bundle for the first run of a command, and V8 accepts it', () => {
    const bundle = join(dirname(cli), 'cli-main.cjs');
    const bytes = readFileSync(bundle);
    const digest = createHash('sha256').update(process.version).update(bytes).digest('hex').slice(0, 32);
    const shipped = readFileSync(`${bundle}-${digest}.cache`);
    expect(statSync(`${bundle}-${digest}.cache`).mode & 0o777).toBe(0o644);
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${bytes.toString('latin1')}\n})`, { filename: bundle, cachedData: shipped });
    expect(script.cachedDataRejected).toBe(false);
  });

  it('is neither read nor written in a directory others may write to, nor outside an existing root', () => {
    const root = newRoot('shared');
    mkdirSync(join(root, 'compile-cache'));
    chmodSync(join(root, 'compile-cache'), 0o777);
    tsbuild(root, '--version');
    expect(cacheFiles(root)).toEqual([]);

    const missing = join(work, 'no-root-yet');
    tsbuild(missing, '--version');
    expect(existsSync(missing)).toBe(false);
  });

  it('is not written by a failed command', () => {
    const root = newRoot('failed');
    const result = spawnSync(process.execPath, [cli, 'frobnicate'], { encoding: 'utf8', env: { ...process.env, TSBUILD_ROOT: root } });
    expect(result.status).toBe(2);
    expect(existsSync(join(root, 'compile-cache')) ? cacheFiles(root) : []).toEqual([]);
  });
});

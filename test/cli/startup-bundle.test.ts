// The start-up of `tsbuild` (bin/tsbuild → dist/cli.js, built by `npm run build`) reads the CLI
// from a handful of bundled files and none of the code only some commands need (the HTTP client,
// tar, globbing, the build engine): which files Node loads is recorded by a module resolve hook.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tsbuild-startup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The file: URLs of every module Node resolves while running `node dist/cli.js ...args`. */
function loadedFiles(args: string[]): string[] {
  const hooks = join(work, 'hooks.mjs');
  writeFileSync(
    hooks,
    'export async function resolve(specifier, context, next) {\n' +
      '  const result = await next(specifier, context);\n' +
      "  if (result.url.startsWith('file:')) process.stderr.write(`LOADED ${result.url}\\n`);\n" +
      '  return result;\n' +
      '}\n',
  );
  const register = join(work, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, '--', join(repo, 'dist/cli.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, TSBUILD_ROOT: join(work, 'root') },
  });
  expect(result.status, result.stderr).toBe(0);
  return [...new Set([...result.stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1]!))];
}

/** The text of the files loaded: marks of undici, tar-stream (its header magic) and the build engine's parts. */
function textOf(files: string[]): string {
  return files.map((url) => readFileSync(fileURLToPath(url), 'utf8')).join('\n');
}

describe('CLI start-up', () => {
  it.each([[['--version']], [['build', '--help']], [['images']]])('tsbuild %j reads a few bundled files, no HTTP client or tar', (args) => {
    const files = loadedFiles(args);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((url) => url.includes('/node_modules/'))).toEqual([]);
    // The CLI's static graph (commands, flag parsers over the API's tables) is ~25 small chunks.
    expect(files.length).toBeLessThanOrEqual(args[0] === 'images' ? 40 : 30);
    const text = textOf(files);
    for (const absent of ['undici', 'ustar', 'failed to read dockerfile', 'failed to resolve base image']) expect(text).not.toContain(absent);
  });

  it('a build that downloads nothing and copies no wildcard --from loads no HTTP client or glob library', () => {
    const context = join(work, 'context');
    mkdirSync(context, { recursive: true });
    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
    writeFileSync(join(context, 'hello.txt'), 'hello\n');
    const args = ['build', '--progress', 'plain', '-t', 'startup-test', context];
    loadedFiles(args);
    const text = textOf(loadedFiles(args));
    expect(text).toContain('failed to read dockerfile');
    expect(text).not.toContain('undici');
    expect(text).not.toContain('micromatch'); // fast-glob, for wildcard COPY --from only
  });
});

// The start-up of `tsbuild` (built by `npm run build`) reads the CLI from three files (dist/cli.js,
// the launcher dist/cli-launcher.cjs and the one-file bundle dist/cli-main.cjs; bin/tsbuild starts
// the launcher itself) and runs none of the code only some commands need: the HTTP client (undici, which loads Node's http, tls, http2 and
// dns) and the layer compression (zlib) stay uninitialised. Which ES modules Node resolves is
// recorded by a module resolve hook, which CommonJS files and built-ins it loads by a preload.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tsbuild-startup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Loaded {
  /** project files run as code (ES modules resolved, CommonJS files loaded) */
  files: string[];
  /** Node built-in modules loaded after start-up */
  builtins: string[];
}

/** What Node loads while running `node dist/cli.js ...args`. */
function loaded(args: string[]): Loaded {
  const hooks = join(work, 'hooks.mjs');
  writeFileSync(
    hooks,
    'export async function resolve(specifier, context, next) {\n' +
      '  const result = await next(specifier, context);\n' +
      "  if (result.url.startsWith('file:')) process.stderr.write(`FILE ${result.url}\\n`);\n" +
      '  return result;\n' +
      '}\n',
  );
  const register = join(work, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const preload = join(work, 'preload.cjs');
  writeFileSync(
    preload,
    "const Module = require('node:module');\n" +
      'const before = new Set(process.moduleLoadList);\n' +
      'const load = Module._load;\n' +
      "Module._load = function (request, ...rest) { if (!Module.isBuiltin(request)) process.stderr.write(`FILE ${require('node:url').pathToFileURL(Module._resolveFilename(request, ...rest)).href}\\n`); return load.call(this, request, ...rest); };\n" +
      "process.on('exit', () => { for (const entry of process.moduleLoadList) if (!before.has(entry) && entry.startsWith('NativeModule ') && !entry.includes('internal/')) process.stderr.write(`BUILTIN ${entry.slice(13)}\\n`); });\n",
  );
  const result = spawnSync(process.execPath, ['--require', preload, '--import', pathToFileURL(register).href, '--', join(repo, 'dist/cli.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, TSBUILD_ROOT: join(work, 'root') },
  });
  expect(result.status, result.stderr).toBe(0);
  const all = (kind: string) => [...new Set([...result.stderr.matchAll(new RegExp(`^${kind} (\\S+)$`, 'gm'))].map((m) => m[1]!))];
  return { files: all('FILE').filter((url) => !url.startsWith(pathToFileURL(work).href)), builtins: all('BUILTIN') };
}

const CLI_FILES = ['dist/cli.js', 'dist/cli-launcher.cjs', 'dist/cli-main.cjs'].map((file) => pathToFileURL(join(repo, file)).href);
const HTTP_CLIENT = ['http', 'tls', 'http2', 'dns'];

describe('CLI start-up', () => {
  it.each([[['--version']], [['build', '--help']], [['images']]])('tsbuild %j runs the bundle, no HTTP client or compression', (args) => {
    const { files, builtins } = loaded(args);
    expect(files).toContain(CLI_FILES[0]);
    expect(files.filter((url) => !CLI_FILES.includes(url))).toEqual([]);
    expect(builtins.length).toBeGreaterThan(0);
    expect(builtins.filter((name) => [...HTTP_CLIENT, 'zlib'].includes(name))).toEqual([]);
  });

  it('the tsbuild command (bin/tsbuild) starts the CommonJS launcher: no ES module of the CLI', () => {
    loaded(['--version']); // writes the hook files
    const result = spawnSync(join(repo, 'bin/tsbuild'), ['--version'], {
      encoding: 'utf8',
      env: { ...process.env, TSBUILD_ROOT: join(work, 'root'), NODE_OPTIONS: `--require ${join(work, 'preload.cjs')} --import ${pathToFileURL(join(work, 'register.mjs')).href}` },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const files = new Set([...result.stderr.matchAll(/^FILE (\S+)$/gm)].map((m) => m[1]!).filter((url) => !url.startsWith(pathToFileURL(work).href)));
    expect([...files]).toEqual([CLI_FILES[1]]);
  });

  it('a build that downloads nothing loads no HTTP client, one that downloads does', () => {
    const context = join(work, 'context');
    mkdirSync(context, { recursive: true });
    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
    writeFileSync(join(context, 'hello.txt'), 'hello\n');
    const args = ['build', '--progress', 'plain', '-t', 'startup-test', context];
    loaded(args);
    const { files, builtins } = loaded(args);
    expect(files.filter((url) => !CLI_FILES.includes(url))).toEqual([]);
    expect(builtins.filter((name) => HTTP_CLIENT.includes(name))).toEqual([]);

    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nADD http://127.0.0.1:1/x /x\n');
    const download = spawnSync(process.execPath, ['--require', join(work, 'preload.cjs'), join(repo, 'dist/cli.js'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, TSBUILD_ROOT: join(work, 'root') },
    });
    expect(download.stderr).toContain('BUILTIN http\n');
  });
});

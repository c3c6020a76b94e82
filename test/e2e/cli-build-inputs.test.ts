// The inputs docker users pass to `build`, through the built CLI: `-f -` (the Dockerfile on stdin
// with a directory context), `build -` (a Dockerfile, or a tar context, on stdin), a git URL
// `…/repo.git#ref:dir` as the context (a dumb-HTTP git server on loopback) and an http tarball URL.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { serveGitRepository } from '../helpers/git-http.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'dist/cli.js');
let work: string;
let env: NodeJS.ProcessEnv;
const servers: Server[] = [];

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  work = mkdtempSync(join(tmpdir(), 'tsbuild-cli-inputs-'));
  const rootfs = join(work, 'rootfs');
  await makeBusyboxRootfs(rootfs);
  env = { ...process.env, TSBUILD_ROOT: join(work, 'root'), CI: '1' };
  execFileSync(process.execPath, [cli, 'import', rootfs, 'base:1'], { env, stdio: 'ignore' });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(work, { recursive: true, force: true });
});

/**
 * Runs `tsbuild build ARGS --output type=local,dest=OUT` with `input` on stdin. Asynchronous: the
 * git and http servers of these tests answer from this process's event loop.
 */
async function build(args: string[], input: string | Buffer = '') {
  const out = mkdtempSync(join(work, 'out-'));
  const child = spawn(process.execPath, [cli, 'build', '--progress', 'plain', '--output', `type=local,dest=${out}`, ...args], { env });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  child.stdin.end(input);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { out, status, stderr };
}

function contextDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'ctx-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe('stdin', () => {
  it('-f - reads the Dockerfile from stdin and the context from the directory', async () => {
    const context = contextDir({ 'a.txt': 'from-context\n', Dockerfile: 'FROM base:1\nRUN false\n' });
    const result = await build(['-f', '-', context], 'FROM base:1\nCOPY a.txt /a.txt\n');
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(result.out, 'a.txt'), 'utf8')).toBe('from-context\n');
  });

  it('build - takes a Dockerfile from stdin with an empty context', async () => {
    const result = await build(['-'], 'FROM base:1\nRUN echo from-stdin > /s\n');
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(result.out, 's'), 'utf8')).toBe('from-stdin\n');
  });

  it('build - takes a gzipped tar context from stdin (with -f inside it)', async () => {
    const context = contextDir({ 'b.txt': 'in-tar\n', 'build/Dockerfile.tar': 'FROM base:1\nCOPY b.txt /b.txt\n' });
    const tar = execFileSync('tar', ['-czf', '-', '-C', context, '.']);
    const result = await build(['-f', 'build/Dockerfile.tar', '-'], tar);
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(result.out, 'b.txt'), 'utf8')).toBe('in-tar\n');
  });

  it('refuses stdin for both', async () => {
    const result = await build(['-f', '-', '-'], 'FROM base:1\n');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("can't use stdin for both build context and dockerfile");
  });
});

describe('remote contexts', () => {
  it('a git URL with #ref:dir is checked out and its subdirectory is the context', async () => {
    const source = contextDir({ 'sub/Dockerfile': 'FROM base:1\nCOPY c.txt /c.txt\n', 'sub/c.txt': 'from-git-v2\n', 'Dockerfile.root': 'FROM base:1\nCOPY sub/c.txt /c.txt\n' });
    const git = (...args: string[]) => execFileSync('git', ['-C', source, ...args], { encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'v2');
    git('tag', 'v2');
    writeFileSync(join(source, 'sub', 'c.txt'), 'from-git-main\n');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-am', 'main');
    const served = await serveGitRepository(source, mkdtempSync(join(work, 'git-')));
    servers.push(served.server);
    const tagged = await build(['--provenance=true', `${served.url}#v2:sub`]);
    expect(tagged.status, tagged.stderr).toBe(0);
    expect(readFileSync(join(tagged.out, 'c.txt'), 'utf8')).toBe('from-git-v2\n');
    // The provenance names the repository and the commit it was built from, and no local context.
    const provenance = JSON.parse(readFileSync(join(tagged.out, 'provenance.json'), 'utf8'));
    const commit = git('rev-parse', 'v2^{commit}').trim();
    expect(provenance.predicate.buildDefinition.externalParameters.configSource).toEqual({ uri: `${served.url}#v2:sub`, digest: { sha1: commit }, path: 'Dockerfile' });
    expect(provenance.predicate.buildDefinition.externalParameters.request.locals).toBeUndefined();
    expect(provenance.predicate.buildDefinition.resolvedDependencies).toContainEqual({ uri: `${served.url}#v2:sub`, digest: { sha1: commit } });
    const head = await build(['-f', 'Dockerfile.root', `${served.url}#main`]); // -f is inside the checkout
    expect(head.status, head.stderr).toBe(0);
    expect(readFileSync(join(head.out, 'c.txt'), 'utf8')).toBe('from-git-main\n');
    const missing = await build([`${served.url}#nope`]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain(`build context: cannot check out ${served.url}#nope`);
  });

  it('an http URL of a tarball is the context; of a text file, the Dockerfile', async () => {
    const context = contextDir({ Dockerfile: 'FROM base:1\nCOPY d.txt /d.txt\n', 'd.txt': 'from-tarball\n' });
    const tarball = execFileSync('tar', ['-czf', '-', '-C', context, '.']);
    const server = createServer((req, res) => {
      if (req.url === '/ctx.tar.gz') return void res.writeHead(200).end(tarball);
      if (req.url === '/Dockerfile') return void res.writeHead(200).end('FROM base:1\nRUN echo remote-dockerfile > /r\n');
      res.writeHead(404).end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const fromTar = await build([`${base}/ctx.tar.gz`]);
    expect(fromTar.status, fromTar.stderr).toBe(0);
    expect(readFileSync(join(fromTar.out, 'd.txt'), 'utf8')).toBe('from-tarball\n');
    const fromText = await build([`${base}/Dockerfile`]);
    expect(fromText.status, fromText.stderr).toBe(0);
    expect(readFileSync(join(fromText.out, 'r'), 'utf8')).toBe('remote-dockerfile\n');
    const missing = await build([`${base}/nope.tar.gz`]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('HTTP 404');
  });
});

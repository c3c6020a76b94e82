// What BuildKit's test sessions provide, made real for the ported cases: a TCP echo server on the
// host's loopback, an HTTP server of fixed files, and a listening unix socket standing in for an
// ssh agent.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { tempDir } from '../../build/helpers.js';
import type { Prepared } from './case.js';

const execFileAsync = promisify(execFile);

function listen(server: Server, address: string | number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof address === 'number') server.listen(address, '127.0.0.1', resolve);
    else server.listen(address, resolve);
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** BuildKit's echoserver: every connection gets `text`; the port is build arg `PORT`. */
export async function echoServer(text: string, options: Prepared['options'] = {}): Promise<Prepared> {
  const server = createServer((socket) => socket.end(text));
  await listen(server, 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    options: { ...options, buildArgs: { ...options.buildArgs, PORT: String(port) } },
    dispose: () => close(server),
  };
}

/** A unix socket forwarded as `--ssh default=<socket>`. */
export async function sshAgentSocket(): Promise<Prepared> {
  const socket = join(tempDir('tsbuild-bkfe-ssh-'), 'agent.sock');
  const server = createServer((connection) => connection.end());
  await listen(server, socket);
  return { options: { ssh: [{ id: 'default', socket }] }, dispose: () => close(server) };
}

/**
 * BuildKit's httpserver: `files` served at their paths (with an ETag, and a Last-Modified when
 * `lastModified` is given, in seconds); the port is build arg `PORT`.
 */
export async function httpFiles(files: Record<string, string | Buffer>, lastModified?: number): Promise<Prepared> {
  const server = createHttpServer((request, response) => {
    const content = files[request.url ?? ''];
    if (content === undefined) {
      response.writeHead(404).end();
      return;
    }
    const modified = lastModified === undefined ? {} : { 'Last-Modified': new Date(lastModified * 1000).toUTCString() };
    response.writeHead(200, { 'Content-Length': Buffer.byteLength(content), ETag: '"bkfe"', ...modified }).end(content);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    options: { buildArgs: { PORT: String(port) } },
    dispose: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** BuildKit's `secretsprovider.FromMap`: each secret in a file passed as `--secret id=,src=`. */
export function secretFiles(secrets: Record<string, string>): Promise<Prepared> {
  const dir = tempDir('tsbuild-bkfe-secrets-');
  const sources = Object.entries(secrets).map(([id, value]) => {
    const src = join(dir, id);
    writeFileSync(src, value, { mode: 0o600 });
    return { id, src };
  });
  return Promise.resolve({ options: { secrets: sources }, dispose: () => Promise.resolve() });
}

/** Go's http.FileServer of `dir` (a git work tree after `git update-server-info` serves `/.git`); var URL. */
export async function staticDirectory(dir: string): Promise<Prepared> {
  const server = createHttpServer((request, response) => {
    const file = join(dir, normalize(decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/')));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) return void response.writeHead(404).end();
    response.writeHead(200).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref(); // a server shared by cases may outlive them; it never keeps the run alive
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    options: {},
    vars: { URL: `http://127.0.0.1:${port}` },
    dispose: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Runs `commands` with sh in `dir` (BuildKit's runShell), git identity set; returns the last one's output. */
export async function runShell(dir: string, ...commands: string[]): Promise<string> {
  let output = '';
  const env = { ...process.env, GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  // Asynchronous: a command may fetch from a server of this process (git submodule add).
  for (const command of commands) output = (await execFileAsync('sh', ['-c', command], { cwd: dir, env, encoding: 'utf8' })).stdout;
  return output.trim();
}

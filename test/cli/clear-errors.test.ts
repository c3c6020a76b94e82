// Mistakes of the user or of an input file end in a clear error with its exit status, never in a
// stack trace or the "internal error" status 70, which is kept for bugs in tsbuild.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/main.js';
import { ExitStatus } from '../../src/cli/exit-status.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const STACK_LINE = /^ {4}at /m;
let work: string;
let root: string;

function tsbuild(args: string[], cwd = work) {
  return spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, TSBUILD_ROOT: root } });
}

function expectClearError(result: ReturnType<typeof tsbuild>, status: number, message: RegExp) {
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(result.stderr).not.toMatch(/internal error/);
  expect(result.stderr).toMatch(message);
  expect(result.status, result.stderr).toBe(status);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tsbuild-clear-errors-'));
  root = join(work, 'root');
  writeFileSync(join(work, 'f'), 'file\n');
  writeFileSync(join(work, 'not-a-tar'), 'hello, I am not an archive\n');
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('clear errors instead of stack traces', () => {
  it.each([['1-99999999999'], ['99999999999'], ['80-70000000'], ['1-2-3']])('EXPOSE %s is a Dockerfile error naming the line', (ports) => {
    writeFileSync(join(work, 'Dockerfile.expose'), `FROM scratch\nEXPOSE ${ports}\n`);
    expectClearError(tsbuild(['plan', '-f', 'Dockerfile.expose', '.']), ExitStatus.Dockerfile, /^error: Dockerfile\.expose:2: .*port/im);
  });

  it('a missing required secret: the message names no flag, the CLI adds how to pass one', async () => {
    writeFileSync(join(work, 'Dockerfile.secret'), 'FROM scratch\nRUN --mount=type=secret,id=token,required true\n');
    const result = tsbuild(['build', '--progress', 'plain', '-f', 'Dockerfile.secret', '.']);
    expectClearError(result, ExitStatus.Usage, /^error: Dockerfile.secret:2: secret token: not found \(the RUN requires it: provide a secret with id token\) \(--secret id=token,src=FILE\)$/m);
    const { build } = await import('../../src/api/index.js');
    const failure = await build({ context: work, dockerfile: join(work, 'Dockerfile.secret'), root }).then(() => new Error('built'), (error: unknown) => error as Error);
    expect(failure.message).toMatch(/secret token: not found/);
    expect(failure.message).not.toContain('--');
  });

  it('--iidfile into a missing directory says which file it cannot write', () => {
    writeFileSync(join(work, 'Dockerfile.copy'), 'FROM scratch\nCOPY f /f\n');
    const result = tsbuild(['build', '-f', 'Dockerfile.copy', '--iidfile', join(work, 'missing', 'iid'), '.']);
    expectClearError(result, ExitStatus.Failure, /^error: .*--iidfile .*missing\/iid.*no such file or directory/m);
  });

  it('load -i of a file that is not an archive', () => {
    expectClearError(tsbuild(['load', '-i', 'not-a-tar']), ExitStatus.Usage, /^error: not-a-tar is not a tar archive/m);
  });

  it('import of a file that is not a tar archive fails and names no image', () => {
    expectClearError(tsbuild(['import', 'not-a-tar', 'broken/import:1']), ExitStatus.Usage, /^error: not-a-tar: not a tar archive/m);
    expectClearError(tsbuild(['inspect', 'broken/import:1']), ExitStatus.Failure, /broken\/import:1/);
  });

  it('import of a truncated tar archive fails', () => {
    const header = Buffer.alloc(512);
    header.write('file.txt', 0);
    header.write('0000644\0', 100);
    header.write('00000000100\0', 124); // 64 bytes of content promised, none given
    header.write('ustar\u000000', 257);
    header[156] = '0'.charCodeAt(0);
    header.write('        ', 148);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    writeFileSync(join(work, 'truncated.tar'), header);
    expectClearError(tsbuild(['import', 'truncated.tar', 'broken/truncated:1']), ExitStatus.Usage, /^error: truncated\.tar: not a tar archive/m);
  });
});

describe('a registry manifest without layers', () => {
  let server: Server;
  let host: string;

  beforeAll(async () => {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    }));
    const manifestDigest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
    server = createServer((req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end('{}');
      if (req.url?.startsWith('/v2/bad/nolayers/manifests/')) {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': manifestDigest, 'content-length': manifest.length });
        return void res.end(req.method === 'HEAD' ? undefined : manifest);
      }
      if (req.url === `/v2/bad/nolayers/blobs/${configDigest}`) return void res.writeHead(200).end(config);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('pull fails saying the manifest is not an image manifest', async () => {
    mkdirSync(root, { recursive: true });
    // Not spawnSync: the registry answers from this process.
    const child = spawn(process.execPath, [cli, 'pull', `${host}/bad/nolayers:1`], { env: { ...process.env, TSBUILD_ROOT: root } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [status] = (await once(child, 'close')) as [number];
    expectClearError({ status, stderr } as ReturnType<typeof tsbuild>, ExitStatus.Failure, /not an image manifest/);
  });
});

describe('reportError', () => {
  function report(error: unknown, debug: boolean) {
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      written.push(chunk);
      return true;
    }) as typeof process.stderr.write;
    try {
      return { status: reportError(error, debug), stderr: written.join('') };
    } finally {
      process.stderr.write = write;
    }
  }

  it('prints a bug as one line that says how to report it, with exit status 70', () => {
    const { status, stderr } = report(new TypeError("Cannot read properties of undefined (reading 'x')"), false);
    expect(status).toBe(ExitStatus.Internal);
    expect(stderr).toMatch(/^internal error: TypeError: Cannot read properties of undefined \(reading 'x'\)\n/);
    expect(stderr).toMatch(/this is a bug in tsbuild.*--debug/);
    expect(stderr).not.toMatch(STACK_LINE);
  });

  it('prints the stack with --debug', () => {
    const { status, stderr } = report(new TypeError('boom'), true);
    expect(status).toBe(ExitStatus.Internal);
    expect(stderr).toMatch(STACK_LINE);
  });

  it('the CLI accepts --debug before or after the command', () => {
    expect(tsbuild(['--debug', 'version']).status).toBe(0);
    expect(tsbuild(['version', '--debug']).status).toBe(0);
  });
});

// Which context arguments are git repositories (docker's urlutil.IsGitURL), and the stdin rules.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { isGitUrl, openBuildInput } from '../../src/context/build-input.js';

describe('isGitUrl', () => {
  it.each([
    ['https://example.com/org/repo.git', true],
    ['https://example.com/org/repo.git#v1:sub/dir', true],
    ['git@github.com:org/repo.git', true],
    ['git://example.com/repo', true],
    ['github.com/org/repo', true],
    ['https://example.com/context.tar.gz', false],
    ['https://example.com/repo.git.tar', false],
    ['./repo.git', false],
    ['-', false],
  ])('%s -> %s', (value, expected) => {
    expect(isGitUrl(value)).toBe(expected);
  });
});

describe('openBuildInput', () => {
  it('a local directory stays as it is; -f - reads the Dockerfile text', async () => {
    const local = await openBuildInput({ context: 'ctx', stdin: Readable.from([]) });
    expect(local).toMatchObject({ context: 'ctx', dockerfile: 'ctx/Dockerfile' });
    expect(local.dockerfileContents).toBeUndefined();
    const piped = await openBuildInput({ context: 'ctx', file: '-', stdin: Readable.from([Buffer.from('FROM scratch\n')]) });
    expect(piped.dockerfileContents).toBe('FROM scratch\n');
  });

  it('refuses stdin for both the context and the Dockerfile', async () => {
    await expect(openBuildInput({ context: '-', file: '-', stdin: Readable.from([]) })).rejects.toMatchObject({ code: 'USAGE' });
  });
});

describe('a fetched context is someone else\'s tree', () => {
  /** A tar context whose Dockerfile links to `target` and whose `up` links far above its root. */
  function hostileContext(target: string): Readable {
    const pack = tar.pack();
    pack.entry({ name: 'Dockerfile', type: 'symlink', linkname: target });
    pack.entry({ name: 'up', type: 'symlink', linkname: '../../../..' });
    pack.finalize();
    return Readable.from(pack as AsyncIterable<Buffer>);
  }

  it.each([
    ['the Dockerfile is a symlink to a host file', undefined],
    ['-f climbs out through a symlink', 'up/SECRET'],
  ])('resolves the Dockerfile inside it when %s', async (_name, file) => {
    const secret = join(mkdtempSync(join(tmpdir(), 'tsbuild-secret-')), 'secret.txt');
    writeFileSync(secret, 'host secret\n');
    const input = await openBuildInput({ context: '-', file: file?.replace('/SECRET', secret), stdin: hostileContext(secret) });
    try {
      expect(input.dockerfile.startsWith(`${input.context}/`)).toBe(true);
      expect(existsSync(input.dockerfile)).toBe(false);
    } finally {
      input.cleanup();
    }
  });
});

describe('-f with a URL context (buildx)', () => {
  /** Serves a tar context holding its own Dockerfile at `/ctx.tar`; returns its URL. */
  async function servedTarContext(): Promise<{ url: string; close(): Promise<void> }> {
    const pack = tar.pack();
    pack.entry({ name: 'Dockerfile' }, 'FROM scratch\nCOPY from-tarball /\n');
    pack.entry({ name: 'foo' }, 'contents');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const server = createServer((_request, response) => response.writeHead(200, { 'Content-Length': body.length }).end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}/ctx.tar`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  it('an absolute -f is the client\'s own file; a relative one is inside the fetched context', async () => {
    const served = await servedTarContext();
    const local = join(mkdtempSync(join(tmpdir(), 'tsbuild-dockerfile-')), 'Dockerfile');
    writeFileSync(local, 'FROM scratch\nCOPY foo bar\n');
    try {
      const external = await openBuildInput({ context: served.url, file: local, stdin: Readable.from([]) });
      try {
        expect(external.dockerfile).toBe(local);
        expect(readFileSync(join(external.context, 'foo'), 'utf8')).toBe('contents');
      } finally {
        external.cleanup();
      }
      const inside = await openBuildInput({ context: served.url, file: 'Dockerfile', stdin: Readable.from([]) });
      try {
        expect(inside.dockerfile).toBe(join(inside.context, 'Dockerfile'));
      } finally {
        inside.cleanup();
      }
    } finally {
      await served.close();
    }
  });
});

describe('the date of a remote context (SOURCE_DATE_EPOCH=context, BuildKit)', () => {
  it('is the Last-Modified of an HTTP context, else its archive\'s newest file', async () => {
    const pack = tar.pack();
    pack.entry({ name: 'Dockerfile', mtime: new Date(1_700_000_000_000) }, 'FROM scratch\n');
    pack.entry({ name: 'foo', mtime: new Date(1_700_000_302_000) }, 'bar');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const server = createServer((request, response) => {
      const modified = request.url === '/dated.tar' ? { 'Last-Modified': new Date(1_700_000_201_000).toUTCString() } : {};
      response.writeHead(200, { 'Content-Length': body.length, ...modified }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      for (const [name, epoch] of [['dated.tar', 1_700_000_201], ['undated.tar', 1_700_000_302]] as const) {
        const input = await openBuildInput({ context: `http://127.0.0.1:${port}/${name}`, stdin: Readable.from([]) });
        input.cleanup();
        expect(input.epoch).toBe(epoch);
      }
      const local = await openBuildInput({ context: '-', stdin: Readable.from([body]) });
      local.cleanup();
      expect(local.epoch).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

// COPY and ADD end to end: destination rules, wildcards, .dockerignore, ownership and modes,
// --from a stage or an image, --exclude, --parents, archives, URLs and heredocs; checked in the
// image unpacked by umoci.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildError, buildImage, newRoot, removeTempDirs, tempDir, unpackImage, writeContext } from './helpers.js';

const REMOTE_BODY = 'remote file body\n';
const LAST_MODIFIED = new Date('2021-03-04T05:06:07Z');

let root: string;
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  root = await newRoot(['example.com/other/image:1']);
  server = createServer((req, res) => {
    if (req.url === '/file.txt') {
      res.writeHead(200, { 'Last-Modified': LAST_MODIFIED.toUTCString(), 'Content-Type': 'text/plain' });
      res.end(REMOTE_BODY);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  removeTempDirs();
});

const CONTEXT = {
  'a.txt': 'a\n',
  'b.txt': 'b\n',
  'c.log': 'log\n',
  'dir/sub/file.txt': 'nested\n',
  'dir/skip.log': 'skip\n',
  'dir/link': { symlink: 'sub/file.txt' },
  'secret.env': 'TOKEN=1\n',
  'dir/ignored.tmp': 'tmp\n',
  'x/y/deep.txt': 'deep\n',
  '.dockerignore': 'secret.env\n**/*.tmp\n',
};

function text(rootfs: string, file: string): string {
  return readFileSync(join(rootfs, file), 'utf8');
}

describe('COPY', () => {
  it('follows the destination, wildcard, directory-content and .dockerignore rules', async () => {
    const dockerfile = [
      'FROM busybox',
      'COPY a.txt /dest/',
      'COPY a.txt /destfile',
      'COPY a.txt b.txt /multi/',
      'COPY *.txt /wild/',
      'COPY dir /d',
      'COPY . /all',
      'WORKDIR /rel',
      'COPY a.txt .',
    ].join('\n');
    const { result } = await buildImage(root, writeContext(CONTEXT), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(text(rootfs, 'dest/a.txt')).toBe('a\n');
    expect(lstatSync(join(rootfs, 'destfile')).isFile()).toBe(true);
    expect(readdirSync(join(rootfs, 'multi')).sort()).toEqual(['a.txt', 'b.txt']);
    expect(readdirSync(join(rootfs, 'wild')).sort()).toEqual(['a.txt', 'b.txt']);
    expect(readdirSync(join(rootfs, 'd')).sort()).toEqual(['link', 'skip.log', 'sub']);
    expect(readlinkSync(join(rootfs, 'd/link'))).toBe('sub/file.txt');
    expect(text(rootfs, 'd/sub/file.txt')).toBe('nested\n');
    expect(existsSync(join(rootfs, 'all/secret.env'))).toBe(false);
    expect(existsSync(join(rootfs, 'all/dir/ignored.tmp'))).toBe(false);
    expect(text(rootfs, 'all/x/y/deep.txt')).toBe('deep\n');
    expect(text(rootfs, 'rel/a.txt')).toBe('a\n');
  });

  it('fails when several sources go to a destination without a trailing slash', async () => {
    const error = await buildError(root, writeContext(CONTEXT), 'FROM busybox\nCOPY a.txt b.txt /notadir\n');
    expect(error.message).toMatch(/Dockerfile:2/);
    expect(error.message).toMatch(/must be a directory and end with a \//);
  });

  it('--chown by name, --chmod, --from a stage and an image, --exclude, --parents, heredoc', async () => {
    const dockerfile = [
      'FROM busybox AS builder',
      'RUN mkdir /out && echo built > /out/artifact',
      'FROM busybox',
      'COPY --chown=nobody:nogroup a.txt /owned',
      'COPY --chown=1:1 dir /owned-dir',
      'COPY --chmod=0640 b.txt /chmodded',
      'COPY --from=builder /out/artifact /artifact',
      'COPY --from=example.com/other/image:1 /etc/passwd /passwd-from-image',
      'COPY --exclude=*.log dir /excluded',
      'COPY --parents x/y/deep.txt dir/sub/file.txt /parents/',
      'COPY <<EOF /heredoc.txt',
      'hello heredoc',
      'EOF',
    ].join('\n');
    const { result } = await buildImage(root, writeContext(CONTEXT), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    const owned = lstatSync(join(rootfs, 'owned'));
    expect([owned.uid, owned.gid]).toEqual([65534, 65534]);
    const ownedNested = lstatSync(join(rootfs, 'owned-dir/sub/file.txt'));
    expect([ownedNested.uid, ownedNested.gid]).toEqual([1, 1]);
    expect(lstatSync(join(rootfs, 'chmodded')).mode & 0o7777).toBe(0o640);
    expect(text(rootfs, 'artifact')).toBe('built\n');
    expect(text(rootfs, 'passwd-from-image')).toMatch(/^root:x:0:0:/);
    expect(readdirSync(join(rootfs, 'excluded')).sort()).toEqual(['link', 'sub']);
    expect(text(rootfs, 'parents/x/y/deep.txt')).toBe('deep\n');
    expect(text(rootfs, 'parents/dir/sub/file.txt')).toBe('nested\n');
    expect(text(rootfs, 'heredoc.txt')).toBe('hello heredoc\n');
  });

  it('creates a directory destination even when --exclude leaves nothing to copy (BuildKit testExcludedFilesOnCopy)', async () => {
    const { result } = await buildImage(root, writeContext(CONTEXT), 'FROM busybox\nCOPY --exclude=* a.txt b.txt /none/\n');
    const rootfs = unpackImage(root, result.digest);
    expect(lstatSync(join(rootfs, 'none')).isDirectory()).toBe(true);
    expect(readdirSync(join(rootfs, 'none'))).toEqual([]);
  });
});

describe('ADD', () => {
  it('extracts a local .tar.gz into the destination', async () => {
    const context = writeContext({});
    const source = writeContext({ 'pkg/bin/tool': 'tool\n', 'pkg/README': 'readme\n' }, tempDir());
    execFileSync('tar', ['-czf', join(context, 'pkg.tar.gz'), '-C', source, 'pkg']);
    const { result } = await buildImage(root, context, 'FROM busybox\nADD pkg.tar.gz /opt/\n');
    const rootfs = unpackImage(root, result.digest);
    expect(text(rootfs, 'opt/pkg/bin/tool')).toBe('tool\n');
    expect(text(rootfs, 'opt/pkg/README')).toBe('readme\n');
    expect(existsSync(join(rootfs, 'opt/pkg.tar.gz'))).toBe(false);
  });

  it('downloads an http URL with mode 0600 and the Last-Modified mtime, and checks --checksum', async () => {
    const sum = createHash('sha256').update(REMOTE_BODY).digest('hex');
    const dockerfile = [
      'FROM busybox',
      `ADD ${baseUrl}/file.txt /remote/`,
      `ADD --checksum=sha256:${sum} ${baseUrl}/file.txt /checked.txt`,
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(text(rootfs, 'remote/file.txt')).toBe(REMOTE_BODY);
    const stat = lstatSync(join(rootfs, 'remote/file.txt'));
    expect(stat.mode & 0o7777).toBe(0o600);
    expect(stat.mtime.getTime()).toBe(LAST_MODIFIED.getTime());
    expect(text(rootfs, 'checked.txt')).toBe(REMOTE_BODY);

    const wrong = `sha256:${'0'.repeat(64)}`;
    const error = await buildError(root, writeContext({}), `FROM busybox\nADD --checksum=${wrong} ${baseUrl}/file.txt /x\n`);
    expect(error.message).toMatch(/Dockerfile:2/);
    expect(error.message).toMatch(/checksum/i);
    expect(error.message).toContain(sum);
  });
});

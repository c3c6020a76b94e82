// Ported from moby/buildkit frontend/dockerfile/dockerfile_add_test.go: ADD of local and remote
// tar archives, and ADD <url>'s file name, modification time and revalidation. The test server's
// URL is passed as build arg PORT instead of being formatted into the Dockerfile.
import assert from 'node:assert/strict';
import { lstatSync, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import type { FrontendCase, Prepared } from '../case.js';
import { httpFiles } from '../session.js';
import { gzipOf, tarOf } from './tar.js';

const source = 'dockerfile_add_test.go';
const fooTar = tarOf([{ name: 'foo', type: 'file', content: 'content0', mode: 0o644 }]);
const fooTarGz = gzipOf(fooTar);
const URL = 'http://127.0.0.1:$PORT';

function archiveCase(variant: string, spec: Omit<FrontendCase, 'name' | 'source'>): FrontendCase {
  return { name: `testDockerfileAddArchive/${variant}`, source, ...spec };
}

interface Recorded {
  method: string;
  headers: IncomingHttpHeaders;
}

/** BuildKit's httpserver with an ETag (and Last-Modified where given), recording the requests of each path. */
async function recordingServer(files: Record<string, { content: string; lastModified?: Date }>, requests: Map<string, Recorded[]>): Promise<Prepared> {
  const server = createServer((request, response) => {
    const path = request.url ?? '';
    const file = files[path];
    requests.set(path, [...(requests.get(path) ?? []), { method: request.method ?? '', headers: request.headers }]);
    if (!file) return void response.writeHead(404).end();
    const etag = `"${path.length}-bkfe"`;
    if (request.headers['if-none-match'] === etag) return void response.writeHead(304, { ETag: etag }).end();
    response.writeHead(200, {
      'Content-Length': Buffer.byteLength(file.content),
      ETag: etag,
      ...(file.lastModified ? { 'Last-Modified': file.lastModified.toUTCString() } : {}),
    });
    response.end(request.method === 'HEAD' ? undefined : file.content);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { options: { buildArgs: { PORT: String(port) } }, dispose: () => new Promise((resolve) => server.close(() => resolve())) };
}

const fooRequests = new Map<string, Recorded[]>();
// A day ago, to the second (HTTP dates have no fraction), so the check cannot pass by "now".
const dayAgo = new Date(Math.floor(Date.now() / 1000) * 1000 - 24 * 3600 * 1000);

export const addArchiveCases: FrontendCase[] = [
  {
    // The first half: a rebuild asks the server again, with HEAD (BuildKit revalidates its cached
    // download by ETag). The Go test also requires User-Agent "buildkit/v…", left out: it names the product.
    name: 'testDockerfileADDFromURL/revalidate',
    source,
    prepare: () => recordingServer({ '/foo': { content: 'content1' } }, fooRequests),
    dockerfile: `FROM scratch\nARG PORT\nADD ${URL}/foo /dest/\n`,
    then: [{ dockerfile: `FROM scratch\nARG PORT\nADD ${URL}/foo /dest/\n` }],
    exported: { 'dest/foo': 'content1' },
    verify() {
      assert.deepEqual(fooRequests.get('/foo')?.map((r) => r.method), ['GET', 'HEAD']);
    },
  },
  {
    name: 'testDockerfileADDFromURL/default-properties',
    source,
    prepare: () => recordingServer({ '/': { content: 'content2', lastModified: dayAgo } }, new Map()),
    dockerfile: `FROM scratch\nARG PORT\nADD ${URL}/ /dest/\n`,
    exported: { 'dest/__unnamed__': 'content2' },
    verify(outcome) {
      assert.equal(statSync(join(outcome.dest, 'dest/__unnamed__')).mtime.toUTCString(), dayAgo.toUTCString());
    },
  },
  archiveCase('tar', { files: { 't.tar': { content: fooTar, mode: 0o600 } }, dockerfile: 'FROM scratch\nADD t.tar /\n', exported: { foo: 'content0' } }),
  archiveCase('gzip', { files: { 't.tar.gz': { content: fooTarGz, mode: 0o600 } }, dockerfile: 'FROM scratch\nADD t.tar.gz /\n', exported: { foo: 'content0' } }),
  archiveCase('unpack-false', {
    files: { 't.tar.gz': { content: fooTarGz, mode: 0o600 } },
    dockerfile: '\tFROM scratch\n\tADD --unpack=false t.tar.gz /\n',
    exported: { foo: null },
    verify: (outcome) => assert.equal(statSync(join(outcome.dest, 't.tar.gz')).size, fooTarGz.length),
  }),
  archiveCase('copy-does-not-extract', {
    files: { 't.tar.gz': { content: fooTarGz, mode: 0o600 } },
    dockerfile: 'FROM scratch\nCOPY t.tar.gz /\n',
    exported: { foo: null },
    verify: (outcome) => assert.equal(statSync(join(outcome.dest, 't.tar.gz')).size, fooTarGz.length),
  }),
  archiveCase('url-does-not-extract', {
    prepare: () => httpFiles({ '/t.tar.gz': fooTarGz }),
    dockerfile: `FROM scratch\nARG PORT\nADD ${URL}/t.tar.gz /\n`,
    exported: { foo: null },
    verify: (outcome) => assert.equal(statSync(join(outcome.dest, 't.tar.gz')).size, fooTarGz.length),
  }),
  archiveCase('url-unpack-true', {
    prepare: () => httpFiles({ '/t.tar.gz': fooTarGz }),
    dockerfile: `FROM scratch\nARG PORT\nADD --unpack=true ${URL}/t.tar.gz /dest/\n`,
    exported: { 'dest/foo': 'content0' },
  }),
  archiveCase('url-newname', {
    // moby/buildkit#386
    prepare: () => httpFiles({ '/t.tar.gz': fooTarGz }),
    dockerfile: `FROM scratch\nARG PORT\nADD ${URL}/t.tar.gz /newname.tar.gz\n`,
    verify: (outcome) => assert.equal(statSync(join(outcome.dest, 'newname.tar.gz')).size, fooTarGz.length),
  }),
  {
    // moby/moby#53257
    name: 'testDockerfileAddArchiveWithImpliedParentDir',
    source,
    files: {
      't.tar.gz': {
        content: gzipOf(tarOf([
          { name: 'etc/dnf/', type: 'dir', mode: 0o755 },
          { name: 'etc/dnf/dnf.conf', type: 'file', content: 'content0', mode: 0o644 },
        ])),
        mode: 0o600,
      },
    },
    dockerfile: 'FROM scratch\nADD t.tar.gz /\n',
    exported: { 'etc/dnf/dnf.conf': 'content0' },
  },
  {
    // moby/moby#53258: the second archive is extracted through the first one's absolute symlink.
    name: 'testDockerfileAddArchiveThroughAbsoluteSymlink',
    source,
    files: {
      'rootfs.tar': {
        content: tarOf([
          { name: 'run/', type: 'dir', mode: 0o755 },
          { name: 'var/', type: 'dir', mode: 0o755 },
          { name: 'var/run', type: 'symlink', linkname: '/run', mode: 0o777 },
        ]),
        mode: 0o600,
      },
      'payload.tar': {
        content: tarOf([
          { name: 'var/run/act/', type: 'dir', mode: 0o755 },
          { name: 'var/run/act/actions/', type: 'dir', mode: 0o755 },
          { name: 'var/run/act/actions/broad/', type: 'dir', mode: 0o755 },
          { name: 'var/run/act/actions/broad/.git/', type: 'dir', mode: 0o755 },
          { name: 'var/run/act/actions/broad/.git/HEAD', type: 'file', content: 'ref: refs/heads/main\n', mode: 0o644 },
          { name: 'var/run/act/actions/broad/.git/HEAD.link', type: 'link', linkname: 'var/run/act/actions/broad/.git/HEAD', mode: 0o644 },
        ]),
        mode: 0o600,
      },
    },
    dockerfile: 'FROM scratch\nADD rootfs.tar /\nADD payload.tar /\n',
    exported: { 'run/act/actions/broad/.git/HEAD': 'ref: refs/heads/main\n', 'run/act/actions/broad/.git/HEAD.link': 'ref: refs/heads/main\n' },
    verify(outcome) {
      const file = statSync(join(outcome.dest, 'run/act/actions/broad/.git/HEAD'));
      const link = statSync(join(outcome.dest, 'run/act/actions/broad/.git/HEAD.link'));
      assert.equal(link.ino, file.ino, 'HEAD.link is not a hard link of HEAD');
    },
  },
  {
    name: 'testDockerfileAddChownArchive',
    source,
    files: { 't.tar': { content: fooTar, mode: 0o600 } },
    dockerfile: 'FROM scratch\nADD --chown=100:200 t.tar /out/\n',
    exported: { 'out/foo': 'content0' },
    verify(outcome) {
      for (const path of ['out/foo', 'out']) {
        const stats = lstatSync(join(outcome.dest, path));
        assert.deepEqual([stats.uid, stats.gid], [100, 200], path);
      }
    },
  },
  {
    name: 'testDockerfileAddArchiveWildcard',
    source,
    files: {
      't.tar': { content: fooTar, mode: 0o600 },
      'b.tar': { content: tarOf([{ name: 'bar', type: 'file', content: 'content1', mode: 0o644 }]), mode: 0o600 },
    },
    dockerfile: 'FROM scratch\nADD *.tar /dest\n',
    exported: { 'dest/foo': 'content0', 'dest/bar': 'content1' },
  },
];

// `--build-context name=<dir>|https://…|oci-layout://…` (moby/buildkit dockerui/namedcontext.go):
// the named context replaces a stage, FROM or --from of that name. A directory context is a
// file tree with its own .dockerignore; a git URL its checkout; any other URL one file named
// `context`; an OCI layout an image (its config included).
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBuildContextFlags } from '../../src/cli/build-flags.js';
import { serveGitRepository } from '../helpers/git-http.js';
import { buildError, buildImage, newRoot, removeTempDirs, tempDir, writeContext } from './helpers.js';

let root: string;
const servers: Server[] = [];
beforeAll(async () => {
  root = await newRoot();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  removeTempDirs();
});

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

describe('--build-context name=<directory>', () => {
  it('parses a path, an https URL and an oci-layout:// reference', () => {
    expect(parseBuildContextFlags(['a=./dir', 'b=https://h/x.git#main', 'c=oci-layout:///l@sha256:' + 'a'.repeat(64), 'd=oci-layout://l:v1'])).toEqual({
      a: { dir: './dir' },
      b: { url: 'https://h/x.git#main' },
      c: { ociLayout: '/l', digest: `sha256:${'a'.repeat(64)}` },
      d: { ociLayout: 'l', tag: 'v1' },
    });
  });

  it('replaces a stage of that name for FROM, COPY --from and RUN --mount=from, with its own .dockerignore', async () => {
    const named = writeContext({ out: 'dummy-result', out2: 'ignored', '.dockerignore': 'out2\n', 'sub/file': 'deep' });
    const dockerfile = [
      'FROM busybox AS base',
      'RUN echo stage > /which',
      'FROM base AS frombase',
      'FROM busybox',
      'COPY --from=base /o* /copied/',
      'COPY --from=frombase /sub/file /deep',
      'RUN --mount=from=base,target=/m cat /m/out > /mounted && ls -a /m > /listing',
    ].join('\n');
    const dest = tempDir('tsbuild-out-');
    await buildImage(root, writeContext({}), dockerfile, { buildContexts: { base: { dir: named } }, outputs: [{ type: 'local', dest }] });
    expect(read(dest, 'copied/out')).toBe('dummy-result');
    expect(existsSync(join(dest, 'copied/out2'))).toBe(false);
    expect(read(dest, 'deep')).toBe('deep');
    expect(read(dest, 'mounted')).toBe('dummy-result');
    expect(read(dest, 'listing').split('\n')).not.toContain('which');
  });

  it('a symlink in the directory never reaches the host: it resolves inside the named context', async () => {
    const outside = writeContext({ secret: 'host-secret' });
    const named = writeContext({ 'links/abs': { symlink: outside }, 'links/rel': { symlink: `../../${basename(outside)}` }, ok: 'ok' });
    const buildContexts = { ctx: { dir: named } };
    for (const link of ['abs', 'rel']) {
      const error = await buildError(root, writeContext({}), `FROM busybox\nCOPY --from=ctx /links/${link}/secret /x\n`, { buildContexts });
      expect(error.message).toMatch(/not found/);
    }
    const dest = tempDir('tsbuild-out-');
    const dockerfile = [
      'FROM busybox',
      'COPY --from=ctx /links /links',
      'RUN --mount=from=ctx,target=/m cat /m/links/abs/secret /m/links/rel/secret /m/ok > /read 2>/dev/null; true',
    ].join('\n');
    await buildImage(root, writeContext({}), dockerfile, { buildContexts, outputs: [{ type: 'local', dest }] });
    expect(lstatSync(join(dest, 'links/abs')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dest, 'links/abs'))).toBe(outside);
    expect(read(dest, 'read')).toBe('ok');
  });

  it('a directory that does not exist fails naming it', async () => {
    const missing = join(tempDir(), 'nope');
    const error = await buildError(root, writeContext({}), 'FROM busybox\nCOPY --from=ctx /x /x\n', { buildContexts: { ctx: { dir: missing } } });
    expect(error.message).toContain(missing);
  });
});

describe('--build-context name=https://…', () => {
  it('a git URL is its checkout; another URL is one file named context', async () => {
    const work = tempDir('tsbuild-git-');
    const repo = join(work, 'src');
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    writeFileSync(join(repo, 'README'), 'from git\n');
    execFileSync('git', ['-C', repo, 'add', '.']);
    execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'one']);
    const git = await serveGitRepository(repo, work);
    servers.push(git.server);
    const files = createServer((_req, res) => void res.writeHead(200).end('downloaded'));
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    servers.push(files);
    const fileUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/some/file.tar`;
    const dest = tempDir('tsbuild-out-');
    const dockerfile = ['FROM src AS checkout', 'FROM busybox', 'COPY --from=checkout /README /readme', 'COPY --from=file /context /downloaded'].join('\n');
    await buildImage(root, writeContext({}), dockerfile, {
      buildContexts: { src: { url: git.url }, file: { url: fileUrl } },
      outputs: [{ type: 'local', dest }],
    });
    expect(read(dest, 'readme')).toBe('from git\n');
    expect(read(dest, 'downloaded')).toBe('downloaded');
    expect(existsSync(join(dest, '.git'))).toBe(false);
  });
});

describe('--build-context name=oci-layout://…', () => {
  it('is the image of the layout (files and config), by digest or by tag', async () => {
    const layout = tempDir('tsbuild-layout-');
    const source = 'FROM busybox\nWORKDIR /test\nRUN echo -n first > out\nENV foo=bar\n';
    await buildImage(root, writeContext({}), source, { tags: ['layout:v1'], outputs: [{ type: 'oci', dest: layout, tar: false }] });
    const index = JSON.parse(read(layout, 'index.json')) as { manifests: { digest: string }[] };
    const digest = index.manifests[0]!.digest;
    const dockerfile = ['FROM foo AS imported', 'RUN echo -n $foo > outfoo', 'FROM scratch', 'COPY --from=base /test/out /', 'COPY --from=imported /test/outfoo /'].join('\n');
    for (const base of [{ ociLayout: layout, digest }, { ociLayout: layout, tag: 'v1' }]) {
      const dest = tempDir('tsbuild-out-');
      await buildImage(root, writeContext({}), dockerfile, {
        buildContexts: { base, foo: base },
        outputs: [{ type: 'local', dest }],
      });
      expect(read(dest, 'out')).toBe('first');
      expect(read(dest, 'outfoo')).toBe('bar');
    }
    const missing = join(layout, 'nope');
    const error = await buildError(root, writeContext({}), 'FROM foo\n', { buildContexts: { foo: { ociLayout: missing } } });
    expect(error.message).toContain(missing);
  });
});

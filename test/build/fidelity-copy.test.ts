// BuildKit fidelity of COPY (issue 11): symlinks in source paths followed inside their own root,
// dangling symlinks as destination parents, and escape attempts that must stay inside the root.
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, newRoot, removeTempDirs, unpackImage, writeContext } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await newRoot();
});
afterAll(removeTempDirs);

function text(rootfs: string, file: string): string {
  return readFileSync(join(rootfs, file), 'utf8');
}

describe('COPY through symlinks in source paths', () => {
  it('follows an absolute symlinked directory of a stage inside that stage', async () => {
    const dockerfile = [
      'FROM busybox AS src',
      'RUN mkdir -p /real/sub && echo in-stage > /real/sub/foo && ln -s /real/sub /sub && ln -s real /lib2',
      'FROM busybox',
      'COPY --from=src /sub/foo /out/',
      'COPY --from=src /lib2/sub/foo /out2',
      'COPY --from=src /sub /out3/',
      'COPY --from=src /lib2/s* /out4/',
      'COPY --link --from=src /sub/foo /out5/',
      'COPY --link --from=src /sub /out6/',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({ x: 'x' }), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(text(rootfs, 'out/foo')).toBe('in-stage\n');
    expect(text(rootfs, 'out2')).toBe('in-stage\n');
    expect(text(rootfs, 'out3/foo')).toBe('in-stage\n');
    expect(text(rootfs, 'out4/foo')).toBe('in-stage\n');
    expect(text(rootfs, 'out5/foo')).toBe('in-stage\n');
    expect(text(rootfs, 'out6/foo')).toBe('in-stage\n');
  });

  it('never leaves the stage through an absolute or climbing symlink', async () => {
    const dockerfile = [
      'FROM busybox AS src',
      'RUN mkdir -p /fake && echo stage-passwd > /fake/passwd && ln -s /fake /etc2 && ln -s ../../../../../fake /up',
      'FROM busybox',
      'COPY --from=src /etc2/passwd /a',
      'COPY --from=src /up/passwd /b',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({ x: 'x' }), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(text(rootfs, 'a')).toBe('stage-passwd\n');
    expect(text(rootfs, 'b')).toBe('stage-passwd\n');
  });

  it('follows a symlinked directory of the context inside the context', async () => {
    const context = writeContext({ 'sub/foo': 'ctx-foo\n', link: { symlink: 'sub' }, abs: { symlink: '/sub' } });
    const dockerfile = ['FROM busybox', 'COPY link/foo /out/', 'COPY abs/foo /abs-foo'].join('\n');
    const { result } = await buildImage(root, context, dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(text(rootfs, 'out/foo')).toBe('ctx-foo\n');
    expect(text(rootfs, 'abs-foo')).toBe('ctx-foo\n');
  });

  it('never leaves the context through a symlinked directory', async () => {
    const context = writeContext({ abs: { symlink: '/etc' }, up: { symlink: '../../../../../etc' } });
    const outside = await buildImage(root, context, 'FROM busybox\nCOPY abs/passwd /a\n').catch((error: Error) => error);
    expect(outside).toBeInstanceOf(Error);
    expect((outside as Error).message).toMatch(/not found/);
    const climbing = await buildImage(root, context, 'FROM busybox\nCOPY up/passwd /b\n').catch((error: Error) => error);
    expect(climbing).toBeInstanceOf(Error);
    expect((climbing as Error).message).toMatch(/not found/);
  });

  it('creates the target of a dangling symlink that is the destination parent', async () => {
    const dockerfile = [
      'FROM busybox',
      'RUN ln -s /made/here /symlink && ln -s /../../../../escaped /climb',
      'COPY foo /symlink/',
      'COPY foo /climb/',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({ foo: 'foo\n' }), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(lstatSync(join(rootfs, 'symlink')).isSymbolicLink()).toBe(true);
    expect(text(rootfs, 'made/here/foo')).toBe('foo\n');
    expect(text(rootfs, 'escaped/foo')).toBe('foo\n');
    expect(existsSync('/escaped')).toBe(false);
  });
});

describe('COPY --link into the working directory', () => {
  it('copies into WORKDIR for `.` and an empty destination, as without --link', async () => {
    const dockerfile = [
      'FROM busybox',
      'WORKDIR /dir',
      'COPY --link a.txt .',
      'WORKDIR /other',
      'COPY --link b.txt ""',
      'WORKDIR /third',
      'COPY --link a.txt ./',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({ 'a.txt': 'a\n', 'b.txt': 'b\n' }), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(text(rootfs, 'dir/a.txt')).toBe('a\n');
    expect(text(rootfs, 'other/b.txt')).toBe('b\n');
    expect(text(rootfs, 'third/a.txt')).toBe('a\n');
  });
});

describe('COPY --parents', () => {
  // BuildKit's testCopyRelativeParents and testCopyParentsMissingDirectory, on busybox.
  it('keeps the path after a /./ pivot, from a stage and from the context', async () => {
    const dockerfile = [
      'FROM busybox AS base',
      'WORKDIR /test',
      'RUN mkdir -p a/b/c/d/e a/b2/c/d/e && touch a/b/c/d/foo a/b/c/d/e/bay a/b2/c/d/e/bar',
      'FROM busybox',
      'COPY --from=base --parents /test/a/b/./c/d /middle/',
      'COPY --from=base --parents /test/a/b/c/d/. /end/',
      'COPY --from=base --parents /test/a/./b/./c /double/',
      'COPY --from=base --parents /test/a/./*/c /wildcard/',
      'COPY --parents x/./y/z.txt /ctx/',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({ 'x/y/z.txt': 'z\n' }), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    const isFile = (p: string) => lstatSync(join(rootfs, p)).isFile();
    const isDir = (p: string) => lstatSync(join(rootfs, p)).isDirectory();
    expect(isDir('middle/c/d/e') && isFile('middle/c/d/foo')).toBe(true);
    expect(existsSync(join(rootfs, 'middle/a'))).toBe(false);
    expect(isDir('end/test/a/b/c/d/e') && isFile('end/test/a/b/c/d/foo')).toBe(true);
    expect(isDir('double/b/c/d/e') && isFile('double/b/c/d/foo')).toBe(true);
    expect(isDir('wildcard/b/c/d/e') && isFile('wildcard/b2/c/d/e/bar')).toBe(true);
    expect(text(rootfs, 'ctx/y/z.txt')).toBe('z\n');
  });

  it('creates the destination when a wildcard matches nothing', async () => {
    const dockerfile = ['FROM busybox', 'COPY --parents nothing*/ /made/', 'RUN test -d /made'].join('\n');
    const { result } = await buildImage(root, writeContext({ 'a.txt': 'a\n' }), dockerfile);
    expect(lstatSync(join(unpackImage(root, result.digest), 'made')).isDirectory()).toBe(true);
  });
});

describe('COPY heredocs', () => {
  // BuildKit's testCopyHeredocSpecialSymbols.
  it('processes backslash escapes in unquoted bodies only', async () => {
    const dockerfile = [
      'FROM busybox',
      'COPY <<EOF quotefile', '"quotes in file"', 'EOF',
      'COPY <<EOF slashfile1', '\\', 'EOF',
      'COPY <<EOF slashfile2', '\\\\', 'EOF',
      'COPY <<EOF slashfile3', '\\$', 'EOF',
      'COPY <<"EOF" rawslashfile1', '\\', 'EOF',
      'COPY <<"EOF" rawslashfile2', '\\\\', 'EOF',
      'COPY <<"EOF" rawslashfile3', '\\$', 'EOF',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(text(rootfs, 'quotefile')).toBe('"quotes in file"\n');
    expect(text(rootfs, 'slashfile1')).toBe('\n');
    expect(text(rootfs, 'slashfile2')).toBe('\\\n');
    expect(text(rootfs, 'slashfile3')).toBe('$\n');
    expect(text(rootfs, 'rawslashfile1')).toBe('\\\n');
    expect(text(rootfs, 'rawslashfile2')).toBe('\\\\\n');
    expect(text(rootfs, 'rawslashfile3')).toBe('\\$\n');
  });
});

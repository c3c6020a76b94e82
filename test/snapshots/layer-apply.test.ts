// Layer application: entry types, metadata, whiteouts in overlay and flat modes, path safety, diffIDs.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyLayer } from '../../src/oci/layer-apply.js';
import { EPOCH, buildTar, diffIdOf, streamOf, type TarEntrySpec } from './layer-tar.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'layer-apply-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function xattr(path: string, name: string): string | undefined {
  const result = spawnSync('getfattr', ['-h', '--only-values', '-n', name, path], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout : undefined;
}

const BASIC: TarEntrySpec[] = [
  { name: 'etc/', type: 'directory', mode: 0o750, uid: 10, gid: 20 },
  { name: 'etc/hosts', content: 'hello\n', mode: 0o640, uid: 1000, gid: 1001, xattrs: { 'user.note': 'kept' } },
  { name: 'etc/link', type: 'symlink', linkname: 'hosts' },
  { name: 'etc/hard', type: 'link', linkname: 'etc/hosts' },
  { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
  { name: 'run/fifo', type: 'fifo', mode: 0o600 },
  { name: './bin/tool', content: '#!/bin/sh\n', mode: 0o4755 },
];

describe('applyLayer', () => {
  it.each([false, true])('writes every entry type with metadata (gzip=%s)', async (gzip) => {
    const bytes = await buildTar(BASIC);
    const target = join(dir, 'fs');
    const result = await applyLayer(target, streamOf(bytes, gzip), { mode: 'overlay', expectedDiffId: diffIdOf(bytes) });
    expect(result.diffId).toBe(diffIdOf(bytes));
    expect(result.entries).toBe(BASIC.length);
    const etc = lstatSync(join(target, 'etc'));
    expect([etc.mode & 0o7777, etc.uid, etc.gid, etc.mtime.getTime()]).toEqual([0o750, 10, 20, EPOCH.getTime()]);
    const hosts = lstatSync(join(target, 'etc/hosts'));
    expect([hosts.mode & 0o7777, hosts.uid, hosts.gid, hosts.nlink]).toEqual([0o640, 1000, 1001, 2]);
    expect(readFileSync(join(target, 'etc/hosts'), 'utf8')).toBe('hello\n');
    expect(xattr(join(target, 'etc/hosts'), 'user.note')).toBe('kept');
    expect(readlinkSync(join(target, 'etc/link'))).toBe('hosts');
    expect(lstatSync(join(target, 'etc/hard')).ino).toBe(hosts.ino);
    const devnull = lstatSync(join(target, 'dev/null'));
    expect([devnull.isCharacterDevice(), devnull.rdev]).toEqual([true, (1 << 8) | 3]);
    expect(lstatSync(join(target, 'run/fifo')).isFIFO()).toBe(true);
    expect(lstatSync(join(target, 'bin/tool')).mode & 0o7777).toBe(0o4755);
  });

  it('zstd layers are decompressed through zstd', async () => {
    const bytes = await buildTar([{ name: 'a.txt', content: 'zstd!' }]);
    const zstd = spawnSync('zstd', ['-q', '-c'], { input: bytes });
    expect(zstd.status).toBe(0);
    const target = join(dir, 'fs');
    await applyLayer(target, streamOf(zstd.stdout), { mode: 'overlay', expectedDiffId: diffIdOf(bytes) });
    expect(readFileSync(join(target, 'a.txt'), 'utf8')).toBe('zstd!');
  });

  it('overlay mode turns whiteouts into 0/0 char devices and opaque markers into xattrs', async () => {
    const bytes = await buildTar([
      { name: 'a/', type: 'directory' },
      { name: 'a/.wh.gone' },
      { name: 'b/', type: 'directory' },
      { name: 'b/.wh..wh..opq' },
      { name: 'b/new', content: 'n' },
    ]);
    const target = join(dir, 'fs');
    await applyLayer(target, streamOf(bytes), { mode: 'overlay' });
    const gone = lstatSync(join(target, 'a/gone'));
    expect([gone.isCharacterDevice(), gone.rdev]).toEqual([true, 0]);
    expect(existsSync(join(target, 'a/.wh.gone'))).toBe(false);
    expect(xattr(join(target, 'b'), 'trusted.overlay.opaque')).toBe('y');
    expect(readFileSync(join(target, 'b/new'), 'utf8')).toBe('n');
  });

  it('never applies overlayfs metadata xattrs a layer carries (they would reshape the mounted tree)', async () => {
    const bytes = await buildTar([
      { name: 'd/', type: 'directory', xattrs: { 'trusted.overlay.opaque': 'y', 'user.overlay.redirect': '/etc', 'user.note': 'kept' } },
    ]);
    const target = join(dir, 'fs');
    const warnings: string[] = [];
    await applyLayer(target, streamOf(bytes), { mode: 'overlay', onWarning: (message) => warnings.push(message) });
    expect(xattr(join(target, 'd'), 'trusted.overlay.opaque')).toBeUndefined();
    expect(xattr(join(target, 'd'), 'user.overlay.redirect')).toBeUndefined();
    expect(xattr(join(target, 'd'), 'user.note')).toBe('kept');
    expect(warnings.filter((w) => /overlayfs metadata; skipped/.test(w))).toHaveLength(2);
  });

  it('flat mode deletes whited-out files and clears opaque dirs but keeps this layer\'s entries', async () => {
    const target = join(dir, 'fs');
    mkdirSync(join(target, 'a'), { recursive: true });
    mkdirSync(join(target, 'b/old'), { recursive: true });
    writeFileSync(join(target, 'a/gone'), 'x');
    writeFileSync(join(target, 'a/stays'), 'x');
    writeFileSync(join(target, 'b/old/file'), 'x');
    const bytes = await buildTar([
      { name: 'a/.wh.gone' },
      { name: 'b/', type: 'directory' },
      { name: 'b/-early', content: 'sorted before the marker' },
      { name: 'b/.wh..wh..opq' },
      { name: 'b/new', content: 'n' },
    ]);
    await applyLayer(target, streamOf(bytes), { mode: 'flat' });
    expect(existsSync(join(target, 'a/gone'))).toBe(false);
    expect(existsSync(join(target, 'a/stays'))).toBe(true);
    expect(existsSync(join(target, 'b/old'))).toBe(false);
    expect(readFileSync(join(target, 'b/-early'), 'utf8')).toBe('sorted before the marker');
    expect(existsSync(join(target, 'b/new'))).toBe(true);
  });

  it('replaces a directory by a file and a file by a directory', async () => {
    const target = join(dir, 'fs');
    mkdirSync(join(target, 'x/sub'), { recursive: true });
    writeFileSync(join(target, 'y'), 'file');
    const bytes = await buildTar([{ name: 'x', content: 'now a file' }, { name: 'y/', type: 'directory' }]);
    await applyLayer(target, streamOf(bytes), { mode: 'flat' });
    expect(readFileSync(join(target, 'x'), 'utf8')).toBe('now a file');
    expect(lstatSync(join(target, 'y')).isDirectory()).toBe(true);
  });

  it('rejects names that climb out of the target', async () => {
    const bytes = await buildTar([{ name: '../etc/passwd', content: 'pwned' }]);
    await expect(applyLayer(join(dir, 'fs'), streamOf(bytes), { mode: 'overlay' })).rejects.toThrow(/escapes/);
    expect(existsSync(join(dir, 'etc/passwd'))).toBe(false);
  });

  it.each(['/outside', '../../outside'])('keeps writes through a symlinked parent (-> %s) inside the root', async (link) => {
    const bytes = await buildTar([
      { name: 'evil', type: 'symlink', linkname: link },
      { name: 'evil/file', content: 'contained' },
    ]);
    const target = join(dir, 'fs');
    await applyLayer(target, streamOf(bytes), { mode: 'flat' });
    expect(existsSync(join(dir, 'outside'))).toBe(false);
    expect(readFileSync(join(target, 'outside/file'), 'utf8')).toBe('contained');
  });

  it('rejects hardlinks to files outside the layer', async () => {
    const bytes = await buildTar([{ name: 'h', type: 'link', linkname: '../../etc/passwd' }]);
    await expect(applyLayer(join(dir, 'fs'), streamOf(bytes), { mode: 'overlay' })).rejects.toThrow(/escapes/);
  });

  it('fails on a diffID mismatch', async () => {
    const bytes = await buildTar([{ name: 'a', content: 'a' }]);
    const wrong = diffIdOf(Buffer.from('something else'));
    await expect(applyLayer(join(dir, 'fs'), streamOf(bytes, true), { mode: 'overlay', expectedDiffId: wrong })).rejects.toThrow(
      /layer diffID digest mismatch/,
    );
  });

  it('fails on a corrupt gzip stream', async () => {
    const gz = streamOf(Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(100, 7)]));
    await expect(applyLayer(join(dir, 'fs'), gz, { mode: 'overlay' })).rejects.toThrow();
  });
});

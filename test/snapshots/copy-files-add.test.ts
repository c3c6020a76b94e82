// ADD: local archives unpacked by magic (gzip, bzip2, xz, zstd, plain tar), --unpack control, plain files copied.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addFiles, isTarArchive, type AddSource } from '../../src/executor/copy-files-add.js';
import { buildTar } from './layer-tar.js';

let base: string;
let context: string;
let rootfs: string;
beforeEach(async () => {
  base = mkdtempSync(join(tmpdir(), 'copy-add-'));
  context = join(base, 'context');
  rootfs = join(base, 'rootfs');
  mkdirSync(context);
  mkdirSync(rootfs);
  const tarBytes = await buildTar([
    { name: 'pkg/', type: 'directory' },
    { name: 'pkg/readme', content: 'inside', uid: 7, gid: 8 },
    { name: 'pkg/.wh.not-a-whiteout', content: 'kept as a file' },
  ]);
  writeFileSync(join(context, 'a.tar'), tarBytes);
  writeFileSync(join(context, 'a.tar.gz'), gzipSync(tarBytes));
  for (const [tool, ext] of [['bzip2', 'bz2'], ['xz', 'xz'], ['zstd', 'zst']] as const) {
    const result = spawnSync(tool, ['-c'], { input: tarBytes });
    expect(result.status, `${tool} must be installed`).toBe(0);
    writeFileSync(join(context, `a.tar.${ext}`), result.stdout);
  }
  writeFileSync(join(context, 'notes.gz'), gzipSync('just gzip text, not a tar'));
  writeFileSync(join(context, 'plain.txt'), 'plain');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const local = (relPath: string): AddSource => ({ source: { kind: 'path', root: context, relPath }, origin: 'local' });

describe('ADD', () => {
  it.each(['a.tar', 'a.tar.gz', 'a.tar.bz2', 'a.tar.xz', 'a.tar.zst'])('unpacks %s into the destination', async (name) => {
    const result = await addFiles({ rootfs, sources: [local(name)], dest: '/opt/x' });
    expect(result).toEqual({ copied: 0, unpacked: 1 });
    expect(readFileSync(join(rootfs, 'opt/x/pkg/readme'), 'utf8')).toBe('inside');
    expect(readFileSync(join(rootfs, 'opt/x/pkg/.wh.not-a-whiteout'), 'utf8')).toBe('kept as a file');
    const stats = lstatSync(join(rootfs, 'opt/x/pkg/readme'));
    expect([stats.uid, stats.gid]).toEqual([7, 8]);
  });

  it('applies --chown to unpacked entries', async () => {
    await addFiles({ rootfs, sources: [local('a.tar.gz')], dest: '/o/', chown: { uid: 5, gid: 6 } });
    const stats = lstatSync(join(rootfs, 'o/pkg/readme'));
    expect([stats.uid, stats.gid]).toEqual([5, 6]);
  });

  it('copies files that are not tar archives, and archives with --unpack=false or from remote', async () => {
    const remote: AddSource = { source: { kind: 'path', root: context, relPath: 'a.tar.gz' }, origin: 'remote' };
    const result = await addFiles({ rootfs, sources: [local('notes.gz'), local('plain.txt'), remote], dest: '/d/' });
    expect(result).toEqual({ copied: 3, unpacked: 0 });
    expect(existsSync(join(rootfs, 'd/a.tar.gz'))).toBe(true);
    await addFiles({ rootfs, sources: [local('a.tar')], dest: '/e/', unpack: false });
    expect(existsSync(join(rootfs, 'e/a.tar'))).toBe(true);
    expect(existsSync(join(rootfs, 'e/pkg'))).toBe(false);
  });

  it('detects archives by content, not by name', async () => {
    expect(await isTarArchive(join(context, 'a.tar.xz'))).toBe(true);
    expect(await isTarArchive(join(context, 'notes.gz'))).toBe(false);
    expect(await isTarArchive(join(context, 'plain.txt'))).toBe(false);
  });
});

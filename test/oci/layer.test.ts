// Layer tars: determinism, SOURCE_DATE_EPOCH, entry encoding checked with GNU tar and
// tar-stream, and overlayfs whiteout conversion on a real overlay mount.
import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, symlinkSync, utimesSync, writeFileSync, chownSync, rmSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../src/oci/digest.js';
import { writeLayer } from '../../src/oci/layer.js';
import { MemoryContentStore } from '../../src/oci/memory-store.js';
import { MediaType } from '../../src/spec/types.js';

const temps: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tsbuild-layer-'));
  temps.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

const LONG_NAME = `${'deep/'.repeat(22)}file-with-a-long-name.txt`;

function populate(dir: string): void {
  mkdirSync(join(dir, 'etc'), { recursive: true });
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'etc', 'hostname'), 'box\n');
  writeFileSync(join(dir, 'bin', 'tool'), '#!/bin/sh\necho tool\n');
  chmodSync(join(dir, 'bin', 'tool'), 0o4755);
  writeFileSync(join(dir, 'empty'), '');
  symlinkSync('tool', join(dir, 'bin', 'alias'));
  linkSync(join(dir, 'bin', 'tool'), join(dir, 'bin', 'tool-hardlink'));
  mkdirSync(join(dir, LONG_NAME, '..'), { recursive: true });
  writeFileSync(join(dir, LONG_NAME), 'long\n');
  writeFileSync(join(dir, 'ünïcode.txt'), 'utf8 name\n');
  writeFileSync(join(dir, 'owned'), 'by 1000\n');
  chownSync(join(dir, 'owned'), 1000, 1001);
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  execFileSync('setfattr', ['-n', 'user.tsbuild', '-v', 'kept', join(dir, 'etc', 'hostname')]);
}

async function layerTar(store: MemoryContentStore, digest: Parameters<MemoryContentStore['read']>[0]): Promise<Buffer> {
  return gunzipSync(await store.read(digest));
}

interface ListedEntry { name: string; type: string; linkname: string | null; mode: number; uid: number; pax: Record<string, string> | null }

async function entriesOf(tarBytes: Buffer): Promise<ListedEntry[]> {
  const extract = tar.extract();
  Readable.from([tarBytes]).pipe(extract);
  const entries: ListedEntry[] = [];
  for await (const entry of extract) {
    const { name, type, linkname, mode, uid, pax } = entry.header as typeof entry.header & { pax: Record<string, string> | null };
    entries.push({ name, type: type ?? 'file', linkname: linkname ?? null, mode: mode ?? 0, uid: uid ?? 0, pax });
    entry.resume();
  }
  return entries;
}

describe('writeLayer', () => {
  it('writes the same directory twice to the same digest and diffID, in one pass into the store', async () => {
    const dir = await tempDir();
    populate(dir);
    const store = new MemoryContentStore();
    const first = await writeLayer(store, { dir, mode: 'plain' });
    const second = await writeLayer(store, { dir, mode: 'plain' });
    expect(second).toEqual(first);
    expect(first.descriptor.mediaType).toBe(MediaType.OciLayerGzip);
    const tarBytes = await layerTar(store, first.descriptor.digest);
    expect(sha256Digest(tarBytes)).toBe(first.diffId);
    expect((await store.stat(first.descriptor.digest))?.size).toBe(first.descriptor.size);
  });

  it.each(['zlib', 'pigz'] as const)('%s compression gives the same tar (diffID) as the default', async (compressor) => {
    const dir = await tempDir();
    populate(dir);
    const store = new MemoryContentStore();
    const parallel = await writeLayer(store, { dir, mode: 'plain' });
    const other = await writeLayer(store, { dir, mode: 'plain' }, { compressor });
    expect(other.diffId).toBe(parallel.diffId);
    expect(sha256Digest(await layerTar(store, other.descriptor.digest))).toBe(other.diffId);
  });

  it('parallel gzip of a multi-megabyte layer is one gzip member that gunzip and GNU tar read', async () => {
    const dir = await tempDir();
    for (let i = 0; i < 6; i++) writeFileSync(join(dir, `file${i}`), Buffer.alloc(700_000 + i, `block ${i} `));
    const store = new MemoryContentStore();
    const layer = await writeLayer(store, { dir, mode: 'plain' }, { sourceDateEpoch: 0 });
    const blob = await store.read(layer.descriptor.digest);
    expect(sha256Digest(gunzipSync(blob))).toBe(layer.diffId);
    expect(execFileSync('gzip', ['-dc'], { input: blob, maxBuffer: 1 << 26 }).length).toBe(gunzipSync(blob).length);
    expect(execFileSync('tar', ['-tzf', '-'], { input: blob, maxBuffer: 1 << 26 }).toString().split('\n').filter(Boolean)).toHaveLength(6);
  });

  it('SOURCE_DATE_EPOCH clamps mtimes so a touched copy gives the same digest', async () => {
    const a = await tempDir();
    const b = await tempDir();
    populate(a);
    populate(b);
    utimesSync(join(b, 'etc', 'hostname'), new Date(), new Date(Date.now() + 5000));
    const store = new MemoryContentStore();
    const withoutEpoch = [await writeLayer(store, { dir: a, mode: 'plain' }), await writeLayer(store, { dir: b, mode: 'plain' })];
    expect(withoutEpoch[1]!.diffId).not.toBe(withoutEpoch[0]!.diffId);
    const options = { sourceDateEpoch: 1_000_000_000 };
    const clamped = [await writeLayer(store, { dir: a, mode: 'plain' }, options), await writeLayer(store, { dir: b, mode: 'plain' }, options)];
    expect(clamped[1]).toEqual(clamped[0]);
    const listing = execFileSync('tar', ['-tvf', '-', '--full-time', '--numeric-owner'], { input: await layerTar(store, clamped[0]!.descriptor.digest) }).toString();
    expect(listing).toContain('2001-09-09');
    expect(listing).not.toMatch(/20[2-9]\d-\d\d-\d\d/);
  });

  it('encodes sorted entries, modes, owners, symlinks, hardlinks, long and UTF-8 names, fifos and xattrs', async () => {
    const dir = await tempDir();
    populate(dir);
    const store = new MemoryContentStore();
    const layer = await writeLayer(store, { dir, mode: 'plain' }, { compression: 'uncompressed' });
    expect(layer.descriptor.mediaType).toBe(MediaType.OciLayer);
    expect(layer.descriptor.digest).toBe(layer.diffId);
    const tarBytes = await store.read(layer.diffId);
    const entries = await entriesOf(tarBytes);
    const names = entries.map((entry) => entry.name);
    expect(names.slice(0, 5)).toEqual(['bin/', 'bin/alias', 'bin/tool', 'bin/tool-hardlink', 'deep/']);
    expect(names).toContain(LONG_NAME);
    expect(names).toContain('ünïcode.txt');
    const byName = new Map(entries.map((entry) => [entry.name, entry]));
    expect(byName.get('bin/alias')).toMatchObject({ type: 'symlink', linkname: 'tool' });
    expect(byName.get('bin/tool')).toMatchObject({ type: 'file', mode: 0o4755 });
    expect(byName.get('bin/tool-hardlink')).toMatchObject({ type: 'link', linkname: 'bin/tool' });
    expect(byName.get('owned')).toMatchObject({ uid: 1000 });
    expect(byName.get('pipe')).toMatchObject({ type: 'fifo' });
    expect(byName.get('etc/hostname')?.pax).toMatchObject({ 'SCHILY.xattr.user.tsbuild': 'kept' });
    // GNU tar (an independent reader) extracts it to the same tree.
    const out = await tempDir();
    execFileSync('tar', ['-xf', '-', '-C', out, '--numeric-owner', '--xattrs', '--xattrs-include=user.*'], { input: tarBytes });
    expect(execFileSync('diff', ['-r', '--no-dereference', '--exclude=pipe', dir, out]).toString()).toBe('');
    expect(execFileSync('stat', ['-c', '%u:%g %a %h %F', join(out, 'owned'), join(out, 'bin', 'tool'), join(out, 'pipe')]).toString())
      .toBe('1000:1001 644 1 regular file\n0:0 4755 2 regular file\n0:0 644 1 fifo\n');
    expect(execFileSync('getfattr', ['--only-values', '-n', 'user.tsbuild', join(out, 'etc', 'hostname')]).toString()).toBe('kept');
  });
});

describe('writeLayer overlay mode', () => {
  it('turns whiteouts and opaque directories of a real overlay upper dir into .wh. entries', async () => {
    const base = await tempDir();
    const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((name) => join(base, name)) as [string, string, string, string];
    for (const dir of [lower, upper, work, merged]) mkdirSync(dir);
    writeFileSync(join(lower, 'deleted'), 'gone soon');
    writeFileSync(join(lower, 'kept'), 'stays');
    mkdirSync(join(lower, 'replaced'));
    writeFileSync(join(lower, 'replaced', 'old'), 'old');
    // Needs root (CI is root): fails loudly when overlay cannot be mounted.
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged]);
    try {
      rmSync(join(merged, 'deleted'));
      rmSync(join(merged, 'replaced'), { recursive: true });
      mkdirSync(join(merged, 'replaced'));
      writeFileSync(join(merged, 'replaced', 'new'), 'new');
      writeFileSync(join(merged, 'added'), 'added');
    } finally {
      execFileSync('umount', [merged]);
    }
    const store = new MemoryContentStore();
    const layer = await writeLayer(store, { dir: upper, mode: 'overlay' }, { compression: 'uncompressed' });
    const entries = await entriesOf(await store.read(layer.diffId));
    expect(entries.map((entry) => [entry.name, entry.type])).toEqual([
      ['.wh.deleted', 'file'],
      ['added', 'file'],
      ['replaced/', 'directory'],
      ['replaced/.wh..wh..opq', 'file'],
      ['replaced/new', 'file'],
    ]);
    expect(existsSync(join(upper, 'kept'))).toBe(false);
  });
});

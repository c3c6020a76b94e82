// A one-file edit of a big COPY: the context is re-hashed for the edited file only (stat cache),
// and the new COPY layer's snapshot takes every unchanged file from the previous build's snapshot
// as a hard link. New inodes are what cost here: on an ext4 without a journal each allocation
// skips the inodes deleted in the last minute, so 10k new files after a big delete took 10-20 s.
import { chmodSync, existsSync, lstatSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainIds, digestHex, type Digest } from '../../src/oci/index.js';
import { buildImage, eventsOf, newRoot, readInRootfs, removeTempDirs, unpackImage, writeContext, type BuildRun } from './helpers.js';

afterAll(removeTempDirs);

const FILES = 40;
const DOCKERFILE = ['FROM busybox', 'COPY src/ /src/', 'RUN cat /src/f0.txt /src/f7.txt > /seen.txt'].join('\n');
const HOUR_AGO = new Date(Date.now() - 3_600_000);

/** The snapshot directory of the image's COPY layer (the second of three). */
function copySnapshot(root: string, run: BuildRun): string {
  const chain = chainIds(run.result.config.rootfs.diff_ids as Digest[]);
  return join(root, 'snapshots', digestHex(chain[1]!), 'fs');
}

/** Context files (absolute paths) whose stat-cache entry was hashed at or after `sinceNs`. */
function hashedSince(root: string, context: string, sinceNs: bigint): string[] {
  const stored = JSON.parse(readFileSync(join(root, 'cache', 'statcache.json'), 'utf8')) as { entries: Record<string, [string, string, string]> };
  return Object.entries(stored.entries)
    .filter(([file, [, , hashedAtNs]]) => file.startsWith(context) && BigInt(hashedAtNs) >= sinceNs)
    .map(([file]) => file.slice(context.length + 1));
}

describe('one-file edit of a many-file COPY', () => {
  let root: string;
  let context: string;
  let second: BuildRun;
  let third: BuildRun;
  let thirdStartedNs: bigint;

  beforeAll(async () => {
    root = await newRoot();
    const files: Record<string, string> = {};
    for (let i = 0; i < FILES; i++) files[`src/f${i}.txt`] = `file ${i}\n`.repeat(i + 1);
    context = writeContext(files);
    // Old enough that the stat cache trusts them at once (no racy re-hash).
    for (let i = 0; i < FILES; i++) utimesSync(join(context, 'src', `f${i}.txt`), HOUR_AGO, HOUR_AGO);
    await buildImage(root, context, DOCKERFILE);
    writeFileSync(join(context, 'src', 'f0.txt'), 'first edit\n');
    second = await buildImage(root, context, DOCKERFILE);
    writeFileSync(join(context, 'src', 'f0.txt'), 'second edit\n');
    thirdStartedNs = BigInt(Date.now()) * 1_000_000n;
    third = await buildImage(root, context, DOCKERFILE);
  }, 120_000);

  it('reruns the COPY and the RUN, and the image has the edit', () => {
    expect(eventsOf(third.events, 'step.started').filter((e) => e.line !== undefined && !/\] FROM /.test(e.name)).map((e) => e.line)).toEqual([2, 3]);
    const rootfs = unpackImage(root, third.result.digest);
    expect(readInRootfs(rootfs, 'src/f0.txt')).toBe('second edit\n');
    expect(readInRootfs(rootfs, 'src/f7.txt')).toBe('file 7\n'.repeat(8));
    expect(readInRootfs(rootfs, 'seen.txt')).toBe(`second edit\n${'file 7\n'.repeat(8)}`);
  });

  it('hashes only the edited file', () => {
    expect(hashedSince(root, context, thirdStartedNs)).toEqual(['src/f0.txt']);
  });

  it('makes no new inode for an unchanged file: it is linked from the previous snapshot', () => {
    const before = copySnapshot(root, second);
    const after = copySnapshot(root, third);
    expect(after).not.toBe(before);
    const shared: string[] = [];
    for (let i = 0; i < FILES; i++) {
      const name = join('src', `f${i}.txt`);
      if (lstatSync(join(after, name)).ino === lstatSync(join(before, name)).ino) shared.push(name);
    }
    expect(shared).toHaveLength(FILES - 1);
    expect(shared).not.toContain(join('src', 'f0.txt'));
    expect(readFileSync(join(before, 'src', 'f0.txt'), 'utf8')).toBe('first edit\n');
    expect(readFileSync(join(after, 'src', 'f0.txt'), 'utf8')).toBe('second edit\n');
  });
});

describe('a seeded COPY never changes the snapshot it was seeded from', () => {
  it('replaces a file whose mode changed, and seeds nothing when a file was removed', async () => {
    const root = await newRoot();
    const context = writeContext({ 'src/a.txt': 'a\n', 'src/b.txt': 'b\n', 'src/c.txt': 'c\n' });
    const dockerfile = ['FROM busybox', 'COPY src/ /src/', 'RUN ls /src > /listing.txt'].join('\n');
    const first = await buildImage(root, context, dockerfile);
    chmodSync(join(context, 'src', 'b.txt'), 0o600);
    const second = await buildImage(root, context, dockerfile);
    const before = copySnapshot(root, first);
    const after = copySnapshot(root, second);
    expect(lstatSync(join(after, 'src', 'a.txt')).ino).toBe(lstatSync(join(before, 'src', 'a.txt')).ino);
    expect(lstatSync(join(after, 'src', 'b.txt')).ino).not.toBe(lstatSync(join(before, 'src', 'b.txt')).ino);
    expect(lstatSync(join(before, 'src', 'b.txt')).mode & 0o777).toBe(0o644);
    expect(lstatSync(join(after, 'src', 'b.txt')).mode & 0o777).toBe(0o600);

    rmSync(join(context, 'src', 'c.txt'));
    const third = await buildImage(root, context, dockerfile);
    const rootfs = unpackImage(root, third.result.digest);
    expect(readInRootfs(rootfs, 'listing.txt')).toBe('a.txt\nb.txt\n');
    expect(existsSync(join(rootfs, 'src', 'c.txt'))).toBe(false);
    expect(lstatSync(join(copySnapshot(root, third), 'src', 'a.txt')).ino).not.toBe(lstatSync(join(after, 'src', 'a.txt')).ino);
  }, 120_000);
});

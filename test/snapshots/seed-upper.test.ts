// seedUpperDir: a snapshot tree of files, directories and symlinks is linked into a new upper dir
// (same inodes for files, directories made again with their metadata); a tree holding anything
// an overlay diff gives meaning to (a whiteout device) is refused and leaves no upper dir.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeNode } from '../../src/fs/index.js';
import { seedUpperDir } from '../../src/snapshots/seed-upper.js';

const base = mkdtempSync(join(tmpdir(), 'tsbuild-seed-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('seedUpperDir', () => {
  it('links files and symlinks and remakes directories with their mode and mtime', () => {
    const seed = join(base, 'seed1');
    mkdirSync(join(seed, 'app', 'lib'), { recursive: true });
    writeFileSync(join(seed, 'app', 'lib', 'a.txt'), 'a\n');
    symlinkSync('lib/a.txt', join(seed, 'app', 'link'));
    chmodSync(join(seed, 'app'), 0o750);
    const old = new Date('2020-01-02T03:04:05Z');
    utimesSync(join(seed, 'app'), old, old);
    const upper = join(base, 'upper1');
    expect(seedUpperDir(seed, upper)).toBe(true);
    expect(lstatSync(join(upper, 'app', 'lib', 'a.txt')).ino).toBe(lstatSync(join(seed, 'app', 'lib', 'a.txt')).ino);
    expect(readlinkSync(join(upper, 'app', 'link'))).toBe('lib/a.txt');
    const dir = lstatSync(join(upper, 'app'));
    expect(dir.ino).not.toBe(lstatSync(join(seed, 'app')).ino);
    expect(dir.mode & 0o7777).toBe(0o750);
    expect(dir.mtime.getTime()).toBe(old.getTime());
  });

  it('refuses a tree with a whiteout and leaves no upper dir', () => {
    const seed = join(base, 'seed2');
    mkdirSync(join(seed, 'etc'), { recursive: true });
    writeFileSync(join(seed, 'etc', 'kept'), 'x');
    makeNode(join(seed, 'etc', 'removed'), 'char', 0, 0);
    const upper = join(base, 'upper2');
    expect(seedUpperDir(seed, upper)).toBe(false);
    expect(existsSync(upper)).toBe(false);
  });
});

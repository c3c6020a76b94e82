// A fresh machine has Node, npm and a C compiler, not attr's getfattr/setfattr nor (on minimal
// images) util-linux's mount/flock: layer xattrs, device nodes, overlay mounts and file locks must
// work with an empty PATH. Fixtures are made with the real tools first (absolute paths).
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findXattr, makeNode, removeXattr, setXattr } from '../../src/oci/layer-apply-special.js';
import { mountOverlay, mountsUnder, unmount } from '../../src/snapshots/overlay.js';
import { readTreeXattrs } from '../../src/oci/layer-xattrs.js';
import { acquireFileLock } from '../../src/fs/locks.js';

const SETFATTR = '/usr/bin/setfattr';
const GETFATTR = '/usr/bin/getfattr';
const root = mkdtempSync(join(tmpdir(), 'tsbuild-no-tools-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let savedPath: string | undefined;
beforeEach(() => {
  savedPath = process.env['PATH'];
  const empty = join(root, 'empty-path');
  mkdirSync(empty, { recursive: true });
  process.env['PATH'] = empty;
});
afterEach(() => {
  process.env['PATH'] = savedPath;
});

/** A value with every awkward byte: newline, quote, high bytes, '=' and a NUL. */
const BINARY = Buffer.from([0x01, 0x0a, 0x22, 0x3d, 0xff, 0x00, 0x80, 0x0a]);
const CAPABILITY = Buffer.from('0100000200200000000000000000000000000000', 'hex');

function fixture(): string {
  const tree = mkdtempSync(join(root, 'tree-'));
  const odd = 'name with\nnewline # file: x=y';
  mkdirSync(join(tree, 'dir', 'opaque'), { recursive: true });
  writeFileSync(join(tree, 'dir', odd), 'x');
  writeFileSync(join(tree, 'plain'), 'x');
  writeFileSync(join(tree, 'ping'), 'x');
  symlinkSync('plain', join(tree, 'link'));
  execFileSync(SETFATTR, ['-n', 'user.binary', '-v', `0x${BINARY.toString('hex')}`, '--', join(tree, 'dir', odd)]);
  execFileSync(SETFATTR, ['-n', 'user.text', '-v', 'kept', '--', join(tree, 'plain')]);
  execFileSync(SETFATTR, ['-n', 'trusted.overlay.opaque', '-v', 'y', '--', join(tree, 'dir', 'opaque')]);
  execFileSync(SETFATTR, ['-n', 'trusted.other', '-v', 'dropped', '--', join(tree, 'plain')]);
  execFileSync(SETFATTR, ['-n', 'security.capability', '-v', `0x${CAPABILITY.toString('hex')}`, '--', join(tree, 'ping')]);
  return tree;
}

describe('without host tools on PATH', () => {
  it('reads the xattrs of a tree (binary values, odd names, capabilities, opaque dirs)', async () => {
    const tree = fixture();
    const read = await readTreeXattrs(tree);
    expect(read.opaqueDirs).toEqual(new Set(['dir/opaque']));
    expect(new Map([...read.xattrs].sort())).toEqual(
      new Map([
        ['dir/name with\nnewline # file: x=y', { 'user.binary': BINARY }],
        ['ping', { 'security.capability': CAPABILITY }],
        ['plain', { 'user.text': Buffer.from('kept') }],
      ]),
    );
  });

  it('sets, finds and removes xattrs on the file itself, and makes nodes', () => {
    const tree = fixture();
    setXattr(join(tree, 'plain'), 'user.new', BINARY);
    setXattr(join(tree, 'dir'), 'trusted.overlay.opaque', Buffer.from('y'));
    expect(execFileSync(GETFATTR, ['--only-values', '-n', 'user.new', join(tree, 'plain')])).toEqual(BINARY);
    expect(findXattr(tree, 'trusted.overlay.opaque')).toEqual(
      new Map([
        [join(tree, 'dir'), 'y'],
        [join(tree, 'dir', 'opaque'), 'y'],
      ]),
    );
    removeXattr(join(tree, 'dir'), 'trusted.overlay.opaque');
    removeXattr(join(tree, 'dir'), 'trusted.overlay.opaque'); // absent: no error
    expect([...findXattr(tree, 'trusted.overlay.opaque').keys()]).toEqual([join(tree, 'dir', 'opaque')]);
    makeNode(join(tree, 'fifo'), 'fifo');
    makeNode(join(tree, 'whiteout'), 'char', 0, 0);
    expect(lstatSync(join(tree, 'fifo')).isFIFO()).toBe(true);
    expect(lstatSync(join(tree, 'whiteout')).isCharacterDevice()).toBe(true);
    expect(lstatSync(join(tree, 'whiteout')).rdev).toBe(0);
  });

  it('mounts and unmounts overlayfs', () => {
    const base = mkdtempSync(join(root, 'overlay-'));
    const lower = join(base, 'lower');
    mkdirSync(lower);
    writeFileSync(join(lower, 'from-lower'), 'lower');
    const merged = mountOverlay({ base, lowerdirs: [lower], writable: true });
    try {
      expect(readFileSync(join(merged, 'from-lower'), 'utf8')).toBe('lower');
      writeFileSync(join(merged, 'written'), 'upper');
      expect(existsSync(join(base, 'upper', 'written'))).toBe(true);
    } finally {
      unmount(merged);
    }
    expect(mountsUnder(base)).toEqual([]);
    unmount(merged); // not mounted any more: no error
  });

  it('takes exclusive file locks', async () => {
    const path = join(root, 'lock');
    const first = await acquireFileLock(path);
    let secondHeld = false;
    const second = acquireFileLock(path).then((lock) => {
      secondHeld = true;
      return lock;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(secondHeld).toBe(false);
    await first.release();
    await (await second).release();
    expect(secondHeld).toBe(true);
  });
});

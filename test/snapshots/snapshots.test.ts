// SnapshotStore: chain IDs, unpack-once snapshots, overlay rootfs views and the copy fallback.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chainId, chainIds, SnapshotStore, type PreparedRootfs } from '../../src/snapshots/store.js';
import { removeView } from '../../src/snapshots/prepare-overlay.js';
import type { Digest } from '../../src/spec/types.js';
import { mountsUnder } from '../helpers/leftovers.js';
import { buildTar, diffIdOf, streamOf, type TarEntrySpec } from './layer-tar.js';

/** Holds every root of this file, so that the leftover checks see this file's mounts only. */
let scratch: string;
let root: string;
const prepared: PreparedRootfs[] = [];
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'snapshots-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
beforeEach(() => {
  root = mkdtempSync(join(scratch, 'root-'));
});
afterEach(() => {
  for (const view of prepared.splice(0)) view.cleanup();
  removeView(root); // unmounts anything a failed test left, then deletes

});

const D1 = `sha256:${'1'.repeat(64)}` as Digest;
const D2 = `sha256:${'2'.repeat(64)}` as Digest;
const D3 = `sha256:${'3'.repeat(64)}` as Digest;

function sha256sum(text: string): string {
  return `sha256:${execFileSync('sha256sum', { input: text, encoding: 'utf8' }).split(' ')[0]}`;
}

describe('chainId', () => {
  it('follows the OCI definition, checked with sha256sum', () => {
    const c2 = sha256sum(`${D1} ${D2}`);
    const c3 = sha256sum(`${c2} ${D3}`);
    expect(chainIds([D1, D2, D3])).toEqual([D1, c2, c3]);
    expect(chainId([D1])).toBe(D1);
    expect(chainId([D1, D2, D3])).toBe(c3);
  });
});

const LAYERS: TarEntrySpec[][] = [
  [
    { name: 'etc/', type: 'directory' },
    { name: 'etc/keep', content: 'base keep' },
    { name: 'etc/remove-me', content: 'base' },
    { name: 'opt/', type: 'directory' },
    { name: 'opt/old', content: 'old opt' },
    { name: 'bin/', type: 'directory' },
    { name: 'bin/sh', content: 'shell', mode: 0o755 },
  ],
  [
    { name: 'etc/', type: 'directory' },
    { name: 'etc/keep', content: 'layer2 keep' },
    { name: 'etc/added', content: 'added' },
  ],
  [
    { name: 'etc/', type: 'directory' },
    { name: 'etc/.wh.remove-me' },
    { name: 'opt/', type: 'directory' },
    { name: 'opt/.wh..wh..opq' },
    { name: 'opt/new', content: 'new opt' },
  ],
];

async function storeWithLayers(options: ConstructorParameters<typeof SnapshotStore>[1] = {}) {
  const store = new SnapshotStore(root, options);
  const tars = await Promise.all(LAYERS.map((layer) => buildTar(layer)));
  const diffIds = tars.map(diffIdOf);
  const ids = chainIds(diffIds);
  for (const [i, id] of ids.entries()) await store.ensureLayer(id, diffIds[i] as Digest, () => streamOf(tars[i] as Buffer, true));
  return { store, ids };
}

function view(store: SnapshotStore, ids: Digest[], writable: boolean): PreparedRootfs {
  const result = store.prepareRootfs(ids, { writable });
  prepared.push(result);
  return result;
}

describe('SnapshotStore', () => {
  it('unpacks a layer once, under its chain ID', async () => {
    const { store, ids } = await storeWithLayers();
    const path = store.layerPath(ids[1] as Digest);
    expect(path).toBe(join(root, 'snapshots', (ids[1] as string).slice(7), 'fs'));
    expect(readFileSync(join(path, 'etc/keep'), 'utf8')).toBe('layer2 keep');
    let opened = 0;
    await store.ensureLayer(ids[1] as Digest, D2, () => {
      opened++;
      return streamOf(Buffer.alloc(0));
    });
    expect(opened).toBe(0);
  });

  it('leaves no snapshot (and no temp dir) when the diffID does not match', async () => {
    const store = new SnapshotStore(root);
    const bytes = await buildTar([{ name: 'a', content: 'a' }]);
    await expect(store.ensureLayer(D1, D1, () => streamOf(bytes))).rejects.toThrow(/mismatch/);
    expect(store.has(D1)).toBe(false);
    expect(readdirSync(join(root, 'snapshots'))).toEqual([]);
  });

  it('mounts 3 layers as an overlay where whiteouts and opaque dirs hide lower files', async () => {
    const { store, ids } = await storeWithLayers();
    const rootfs = view(store, ids, false);
    expect(rootfs.kind).toBe('overlay');
    expect(readFileSync(join(rootfs.rootfs, 'etc/keep'), 'utf8')).toBe('layer2 keep');
    expect(readFileSync(join(rootfs.rootfs, 'etc/added'), 'utf8')).toBe('added');
    expect(existsSync(join(rootfs.rootfs, 'etc/remove-me'))).toBe(false);
    expect(readdirSync(join(rootfs.rootfs, 'opt'))).toEqual(['new']);
    expect(() => writeFileSync(join(rootfs.rootfs, 'x'), 'x')).toThrow(/EROFS/);
  });

  it('sends writes in a writable overlay to the upper dir', async () => {
    const { store, ids } = await storeWithLayers();
    const rootfs = view(store, ids, true);
    writeFileSync(join(rootfs.rootfs, 'etc/written'), 'w');
    unlinkSync(join(rootfs.rootfs, 'etc/keep'));
    const upper = store.diffRootfs(rootfs);
    expect(upper).toBe(rootfs.upperdir);
    expect(readFileSync(join(upper, 'etc/written'), 'utf8')).toBe('w');
    expect(lstatSync(join(upper, 'etc/keep')).isCharacterDevice()).toBe(true);
    expect(readFileSync(join(store.layerPath(ids[1] as Digest), 'etc/keep'), 'utf8')).toBe('layer2 keep');
  });

  it('copy fallback shows the same tree and gives the same logical diff as overlay', async () => {
    const warnings: string[] = [];
    const { store, ids } = await storeWithLayers();
    const copyStore = new SnapshotStore(root, { forceCopy: true, onWarning: (m) => warnings.push(m) });
    const overlay = view(store, ids, true);
    const copy = view(copyStore, ids, true);
    expect(copy.kind).toBe('copy');
    expect(treeListing(copy.rootfs)).toEqual(treeListing(overlay.rootfs));
    for (const rootfs of [overlay.rootfs, copy.rootfs]) scriptedChange(rootfs);
    const overlayDiff = treeListing(store.diffRootfs(overlay));
    expect(treeListing(copyStore.diffRootfs(copy))).toEqual(overlayDiff);
    expect(overlayDiff).toEqual(expect.arrayContaining(['etc/added whiteout', 'bin/sh file 700 shell', 'new/dir/file file 644 n']));
  });

  it.each([true, false])('mounts an empty rootfs for FROM scratch (writable=%s)', (writable) => {
    const store = new SnapshotStore(root);
    const rootfs = view(store, [], writable);
    expect(readdirSync(rootfs.rootfs)).toEqual([]);
    if (writable) {
      writeFileSync(join(rootfs.rootfs, 'hello'), 'hi');
      expect(readdirSync(store.diffRootfs(rootfs))).toEqual(['hello']);
    }
  });

  it('mounts a single layer read-only', async () => {
    const { store, ids } = await storeWithLayers();
    const rootfs = view(store, ids.slice(0, 1), false);
    expect(readFileSync(join(rootfs.rootfs, 'etc/keep'), 'utf8')).toBe('base keep');
  });

  it('mounts 130 layers (past one page of absolute lowerdir paths)', async () => {
    const store = new SnapshotStore(root);
    const tars = await Promise.all(Array.from({ length: 130 }, (_v, i) => buildTar([{ name: `f${i}`, content: `${i}` }])));
    const diffIds = tars.map(diffIdOf);
    const ids = chainIds(diffIds);
    for (const [i, id] of ids.entries()) await store.ensureLayer(id, diffIds[i] as Digest, () => streamOf(tars[i] as Buffer));
    const rootfs = view(store, ids, true);
    expect(readdirSync(rootfs.rootfs)).toHaveLength(130);
    expect(readFileSync(join(rootfs.rootfs, 'f129'), 'utf8')).toBe('129');
  });

  it('two concurrent unpacks of one layer end with one snapshot', async () => {
    const store = new SnapshotStore(root);
    const bytes = await buildTar([{ name: 'a', content: 'a' }]);
    const id = diffIdOf(bytes);
    const paths = await Promise.all([1, 2].map(() => store.ensureLayer(id, id, () => streamOf(bytes, true))));
    expect(paths[0]).toBe(paths[1]);
    expect(readdirSync(join(root, 'snapshots'))).toEqual([id.slice(7)]);
  });

  it('leaves no mounts behind', () => {
    expect(mountsUnder(scratch)).toEqual([]);
  });
});

function scriptedChange(rootfs: string): void {
  const sh = spawnSync('/bin/sh', ['-c', 'mkdir -p new/dir && echo -n n > new/dir/file && echo -n changed > etc/keep'], {
    cwd: rootfs,
  });
  expect(sh.status).toBe(0);
  unlinkSync(join(rootfs, 'etc/added'));
  chmodSync(join(rootfs, 'bin/sh'), 0o700);
}

/** Path, type, mode and content of every entry, whiteouts marked; ignores times. */
function treeListing(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string): void => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      const stats = lstatSync(path);
      const rel = relative(dir, path);
      const mode = (stats.mode & 0o7777).toString(8);
      if (stats.isCharacterDevice() && stats.rdev === 0) out.push(`${rel} whiteout`);
      else if (stats.isDirectory()) {
        out.push(`${rel} dir ${mode}`);
        walk(path);
      } else out.push(`${rel} file ${mode} ${readFileSync(path, 'utf8')}`);
    }
  };
  walk(dir);
  return out;
}


describe('SnapshotStore.sweep', () => {
  it('removes temp dirs and views of dead processes, unmounting first, and keeps live ones', async () => {
    const { mountOverlay } = await import('../../src/snapshots/overlay.js');
    const { ownerToken } = await import('../../src/fs/owner.js');
    const store = new SnapshotStore(root);
    const live = ownerToken();
    const deadPid = 2 ** 22 + 1; // above the default pid_max, so never a live process
    const dead = live.replace(/^\d+/, String(deadPid));
    const reused = live.replace(/_\d+_/, '_1_'); // a live pid, but not the process that wrote it
    const deadTemp = join(store.dir, `tmp-${'a'.repeat(16)}-${dead}-0badc0de`);
    const reusedTemp = join(store.dir, `tmp-${'c'.repeat(16)}-${reused}-0badc0de`);
    const liveTemp = join(store.dir, `tmp-${'b'.repeat(16)}-${live}-0badc0de`);
    const unknownTemp = join(store.dir, `tmp-${'d'.repeat(16)}-${deadPid}-0badc0de`); // no token: only by age
    const deadView = join(store.dir, 'active', `x-${dead}-0badc0de`);
    for (const dir of [deadTemp, reusedTemp, liveTemp, unknownTemp, join(deadView, 'lower')]) mkdirSync(dir, { recursive: true });
    const merged = mountOverlay({ base: deadView, lowerdirs: [join(deadView, 'lower')], writable: true });
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).toContain(merged);
    expect(store.sweep().removed.sort()).toEqual([deadTemp, reusedTemp, deadView].sort());
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(merged);
    expect(existsSync(liveTemp)).toBe(true);
    expect(existsSync(unknownTemp)).toBe(true);
  });

  it('refuses to prepare a rootfs from a layer that is not unpacked', () => {
    const store = new SnapshotStore(root);
    expect(() => store.prepareRootfs([D1], { writable: true })).toThrow(/not unpacked/);
  });

  it('leaves no mounts behind (final check)', () => {
    expect(mountsUnder(scratch)).toEqual([]);
  });
});

describe('snapshots across reboots', () => {
  it('a snapshot made under another boot id no longer counts and is removed', async () => {
    const { mkdtempSync, readFileSync, writeFileSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { SnapshotStore } = await import('../../src/snapshots/store.js');
    const root = mkdtempSync(join(tmpdir(), 'tsbuild-boot-'));
    const store = new SnapshotStore(root);
    const upper = join(root, 'upper');
    (await import('node:fs')).mkdirSync(upper);
    writeFileSync(join(upper, 'file'), 'x');
    const chain = `sha256:${'a'.repeat(64)}` as never;
    store.adoptUpperDir(chain, chain, upper);
    expect(store.has(chain)).toBe(true);
    const metaPath = join(root, 'snapshots', 'a'.repeat(64), 'meta.json');
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { bootId: string };
    writeFileSync(metaPath, JSON.stringify({ ...meta, bootId: 'another-boot' }));
    // The next process (after the reboot) opens the store afresh.
    expect(new SnapshotStore(root).has(chain)).toBe(false);
    expect(existsSync(join(root, 'snapshots', 'a'.repeat(64)))).toBe(false);
  });
});

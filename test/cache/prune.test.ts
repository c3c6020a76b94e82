import { mkdtemp, mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prune } from '../../src/cache/prune.js';
import { diskUsage } from '../../src/cache/disk-usage.js';
import { parseSize, untilFilter } from '../../src/cli/commands/prune.js';
import { build } from '../../src/executor/build.js';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { importRootfs } from '../../src/oci/image-import.js';
import { openRoot, type RootLayout } from '../../src/oci/root.js';
import { makeBusyboxRootfs } from '../helpers/busybox.js';

let rootfs: string;

beforeAll(async () => {
  rootfs = await mkdtemp(path.join(os.tmpdir(), 'tsbuild-prune-rootfs-'));
  await makeBusyboxRootfs(rootfs);
});

async function builtRoot(): Promise<{ layout: RootLayout; store: DiskContentStore; names: ImageNames; context: string }> {
  const layout = await openRoot(await mkdtemp(path.join(os.tmpdir(), 'tsbuild-prune-')));
  const store = await DiskContentStore.open(layout.root);
  const names = new ImageNames(layout);
  await names.set('docker.io/library/base:1', await importRootfs(store, rootfs));
  const context = path.join(layout.root, 'ctx');
  await mkdir(context);
  await writeFile(path.join(context, 'Dockerfile'), 'FROM base:1\nRUN echo one > /one\nCOPY a.txt /a.txt\n');
  await writeFile(path.join(context, 'a.txt'), 'a\n');
  await build({ context, root: layout.root, tags: ['demo/pruned:1'] });
  return { layout, store, names, context };
}

describe('prune', () => {
  it('keeps what named images need and the cache unless --all', async () => {
    const { layout, store, names } = await builtRoot();
    const before = await diskUsage(layout, store, names);
    expect(before.buildCache.records).toBe(2);
    const report = await prune(layout, store, names, { graceMs: 0 });
    expect(report).toMatchObject({ records: 0, blobs: 0 });
    await names.remove('docker.io/demo/pruned:1');
    const all = await prune(layout, store, names, { all: true, graceMs: 0 });
    expect(all.records).toBe(2);
    expect(all.blobs).toBeGreaterThanOrEqual(4); // 2 layers, config, manifest of the built image
    const after = await diskUsage(layout, store, names);
    expect(after.buildCache.records).toBe(0);
    expect(after.unreferenced.blobs).toBe(0);
    expect(after.images.blobs).toBe(before.images.blobs - 4);
    // only the base image's snapshot remains
    expect((await readdir(layout.snapshots)).filter((n) => /^[0-9a-f]{64}$/.test(n))).toHaveLength(1);
  });

  it('drops least recently used records beyond --keep-storage and spares recent files', async () => {
    const { layout, store, names } = await builtRoot();
    expect((await prune(layout, store, names, { keepBytes: 0 })).records).toBe(0); // within the grace period
    expect((await prune(layout, store, names, { keepBytes: 0, graceMs: 0 })).records).toBe(2);
  });
});

describe('prune flags', () => {
  it.each([
    ['512MB', 512 * 1024 ** 2],
    ['10GB', 10 * 1024 ** 3],
    ['1.5g', 1.5 * 1024 ** 3],
    ['2048', 2048],
  ])('size %s', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it('parses until= durations and rejects others', () => {
    expect(untilFilter(['until=24h'])).toBe(86_400_000);
    expect(untilFilter(['until=1h30m'])).toBe(5_400_000);
    expect(untilFilter([])).toBeUndefined();
    expect(() => untilFilter(['until=soon'])).toThrow(/invalid duration/);
    expect(() => untilFilter(['label=x'])).toThrow(/unknown prune filter/);
    expect(() => parseSize('lots')).toThrow(/invalid size/);
  });
});

describe('automatic garbage collection', () => {
  it('prunes least recently used cache after a build when over TSBUILD_GC_KEEP_STORAGE', async () => {
    const { layout, store, names, context } = await builtRoot();
    await names.remove('docker.io/demo/pruned:1');
    const hourAgo = new Date(Date.now() - 3_600_000);
    const { utimes } = await import('node:fs/promises');
    for (const dir of [path.join(layout.cache, 'records'), layout.blobs]) {
      for (const name of await readdir(dir)) await utimes(path.join(dir, name), hourAgo, hourAgo);
    }
    await writeFile(path.join(context, 'Dockerfile'), 'FROM base:1\nRUN echo two > /two\n');
    process.env.TSBUILD_GC_KEEP_STORAGE = '0';
    try {
      await build({ context, root: layout.root, tags: ['demo/second:1'] });
    } finally {
      delete process.env.TSBUILD_GC_KEEP_STORAGE;
    }
    const usage = await diskUsage(layout, store, names);
    expect(usage.buildCache.records).toBe(1); // only the new build's RUN, inside the grace period
    expect(usage.unreferenced.blobs).toBe(0);
  });
});

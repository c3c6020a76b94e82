// The image-name index: normalised names, set/get/list/remove, root resolution, and no lost
// updates when several processes write at once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageNames } from '../../src/oci/image-names.js';
import { openRoot, resolveRoot } from '../../src/oci/root.js';
import { MediaType, type Digest } from '../../src/spec/types.js';
import { exited, fixturePath, spawnTs } from './fixtures/run-ts.js';

const temps: string[] = [];
async function tempRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'tsbuild-names-'));
  temps.push(root);
  return root;
}
afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

const descriptor = (hex: string) => ({ mediaType: MediaType.OciManifest, digest: `sha256:${hex.repeat(64)}` as Digest, size: 10 });

describe('ImageNames', () => {
  it('stores names normalised like docker and finds them by any spelling', async () => {
    const names = new ImageNames(await openRoot(await tempRoot()));
    expect(await names.set('busybox', descriptor('1'))).toBe('docker.io/library/busybox:latest');
    expect((await names.get('docker.io/library/busybox'))?.descriptor.digest).toBe(descriptor('1').digest);
    expect((await names.get('index.docker.io/library/busybox:latest'))?.name).toBe('docker.io/library/busybox:latest');
    await names.set('localhost:5000/app:1.0', descriptor('2'));
    expect((await names.list()).map((n) => n.name)).toEqual(['docker.io/library/busybox:latest', 'localhost:5000/app:1.0']);
    expect((await names.remove('busybox'))?.name).toBe('docker.io/library/busybox:latest');
    expect(await names.remove('busybox')).toBeUndefined();
    expect(await names.get('busybox')).toBeUndefined();
  });

  it('rejects invalid names with a USAGE error', async () => {
    const names = new ImageNames(await openRoot(await tempRoot()));
    await expect(names.set('Upper/Case', descriptor('1'))).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('loses no update when four processes write names at the same time', async () => {
    const root = await tempRoot();
    const writers = ['a', 'b', 'c', 'd'].map((prefix) => exited(spawnTs(fixturePath('set-names.ts'), [root, prefix, '5'])));
    for (const result of await Promise.all(writers)) expect(result, result.stderr).toMatchObject({ code: 0 });
    const names = new ImageNames(await openRoot(root));
    expect((await names.list()).length).toBe(20);
  });
});

describe('resolveRoot', () => {
  it('prefers $TSBUILD_ROOT, then the per-user or system default', () => {
    expect(resolveRoot({ TSBUILD_ROOT: '/x/y' })).toBe('/x/y');
    const expected = process.getuid?.() === 0 ? '/var/lib/tsbuild' : '/data/tsbuild';
    expect(resolveRoot({ XDG_DATA_HOME: '/data' })).toBe(expected);
  });
});

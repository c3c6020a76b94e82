// Issue 9 item 10: garbage collection while a build runs. `prune --all` used to delete the cache
// mount a RUN was writing and the snapshots under its rootfs, and `rmi` of the base image the
// blobs the new image is made of. A running build leases what it uses; GC skips leased items and
// removes them once the build has ended.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prune } from '../../src/cache/prune.js';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { reachableBlobs } from '../../src/oci/image-walk.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { LocalImages } from '../../src/oci/local-images.js';
import { openRoot } from '../../src/oci/root.js';
import type { Descriptor, Digest } from '../../src/spec/types.js';
import { buildImage, newRoot, readManifest, removeTempDirs, unpackImage, writeContext } from '../build/helpers.js';

afterAll(() => removeTempDirs());

const BASE_STEP = 'FROM busybox\nRUN echo base > /base\n';
// The RUN writes into its cache mount, waits while GC runs, then reads both back.
const DOCKERFILE = `${BASE_STEP}RUN --mount=type=cache,target=/c sh -c 'echo cached > /c/f; touch /c/.started; sleep 3; cat /c/f /base > /out'\n`;

const hexDirs = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => /^[0-9a-f]{64}$/.test(n)) : []);

async function whenRunStarted(root: string): Promise<void> {
  const mounts = join(root, 'cache', 'mounts');
  for (let i = 0; i < 600; i++, await sleep(50)) {
    if (hexDirs(mounts).some((d) => existsSync(join(mounts, d, '.started')))) return;
  }
  throw new Error('the RUN never started');
}

async function stores(root: string) {
  const layout = await openRoot(root);
  return { layout, store: await DiskContentStore.open(root), names: new ImageNames(layout) };
}

describe('GC during a build', () => {
  let root: string;
  beforeAll(async () => {
    root = await newRoot();
    await buildImage(root, writeContext({}), BASE_STEP); // the base step's record and snapshot exist
  }, 60_000);

  it('prune --all keeps the cache mount and snapshots in use; the build succeeds; a later prune removes them', async () => {
    const { layout, store, names } = await stores(root);
    const building = buildImage(root, writeContext({}), DOCKERFILE);
    await whenRunStarted(root);
    const during = await prune(layout, store, names, { all: true, graceMs: 0 });
    const { result } = await building;
    expect(readFileSync(join(unpackImage(root, result.digest), 'out'), 'utf8')).toBe('cached\nbase\n');
    for (const blob of await reachableBlobs(store, [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: result.digest as Digest, size: 0 }])) {
      expect(await store.has(blob.digest), blob.digest).toBe(true);
    }
    expect(during.records).toBe(0); // the base step's record is leased by the build

    const snapshotsBefore = hexDirs(layout.snapshots).length;
    const after = await prune(layout, store, names, { all: true, graceMs: 0 });
    expect(after.records).toBeGreaterThan(0);
    expect(after.snapshots).toBeGreaterThan(0);
    expect(hexDirs(layout.snapshots).length).toBeLessThan(snapshotsBefore);
    expect(existsSync(join(layout.cache, 'mounts')) ? hexDirs(join(layout.cache, 'mounts')) : []).toEqual([]);
    expect(readdirSync(join(root, 'leases')).filter((n) => !n.startsWith('.'))).toEqual([]);
  }, 90_000);

  it('rmi of the base image during a build does not take the blobs the new image is made of', async () => {
    const rmiRoot = await newRoot(['docker.io/library/base:1']);
    await LocalImages.open(rmiRoot).then((images) => images.remove('busybox:latest'));
    const building = buildImage(rmiRoot, writeContext({}), DOCKERFILE.replace('FROM busybox', 'FROM base:1'), { tags: ['built:1'] });
    await whenRunStarted(rmiRoot);
    const images = await LocalImages.open(rmiRoot);
    await images.remove('base:1');
    const { result } = await building;
    const manifest = readManifest(rmiRoot, result.digest);
    const { store } = await stores(rmiRoot);
    const blobs: Descriptor[] = [manifest.config, ...manifest.layers];
    for (const blob of blobs) expect(await store.has(blob.digest as Digest), blob.digest).toBe(true);
  }, 90_000);
});

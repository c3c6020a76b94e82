// Issue 9 item 18: an export that fails midway (a layer blob missing or rotten in the store) must
// leave nothing at the destination, and an existing file or layout there must stay as it was.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { saveDockerArchive } from '../../src/oci/archive-docker.js';
import { saveOciArchive, saveOciDirectory } from '../../src/oci/archive-oci.js';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { writeImage } from '../../src/oci/image.js';
import { MediaType, type Descriptor } from '../../src/spec/types.js';

let work: string;
let store: DiskContentStore;
let image: Descriptor;
let lastLayer: Descriptor;
let lastLayerBytes: Buffer;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tsbuild-archive-atomic-'));
  store = await DiskContentStore.open(join(work, 'root'));
  const layers: Descriptor[] = [];
  const diffIds = [];
  // A big first layer: the archive has real bytes on disk before the broken last layer is reached.
  for (const tar of [randomBytes(4 << 20), randomBytes(1024)]) {
    const gz = gzipSync(tar, { level: 1 });
    const info = await store.put(gz);
    layers.push({ mediaType: MediaType.OciLayerGzip, digest: info.digest, size: info.size });
    diffIds.push((await store.put(tar)).digest);
    lastLayerBytes = gz;
  }
  lastLayer = layers[1];
  image = await writeImage(store, { config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } }, layers });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

let dest: string;
beforeEach(() => {
  dest = join(work, `out-${randomBytes(4).toString('hex')}`);
  mkdirSync(dest);
  writeFileSync(store.blobPath(lastLayer.digest), lastLayerBytes);
});

const breakings = {
  missing: () => rmSync(store.blobPath(lastLayer.digest)),
  rotten: () => {
    const bytes = Buffer.from(lastLayerBytes);
    bytes[bytes.length - 20] ^= 0xff;
    writeFileSync(store.blobPath(lastLayer.digest), bytes);
  },
};

const archiveWriters = {
  oci: (file: string) => saveOciArchive(store, [{ name: 'docker.io/library/x:1', descriptor: image }], file),
  docker: (file: string) => saveDockerArchive(store, [{ name: 'docker.io/library/x:1', descriptor: image }], file),
};

describe('a failed export leaves the destination as it was', () => {
  for (const [format, write] of Object.entries(archiveWriters)) {
    for (const [how, breakBlob] of Object.entries(breakings)) {
      it(`${format} archive, layer blob ${how}: no new file, no temp file`, async () => {
        breakBlob();
        await expect(write(join(dest, 'image.tar'))).rejects.toThrow();
        expect(readdirSync(dest)).toEqual([]);
      });

      it(`${format} archive, layer blob ${how}: an existing file keeps its bytes`, async () => {
        writeFileSync(join(dest, 'image.tar'), 'the previous export\n');
        breakBlob();
        await expect(write(join(dest, 'image.tar'))).rejects.toThrow();
        expect(readFileSync(join(dest, 'image.tar'), 'utf8')).toBe('the previous export\n');
        expect(readdirSync(dest)).toEqual(['image.tar']);
      });
    }
  }

  for (const [how, breakBlob] of Object.entries(breakings)) {
    it(`OCI layout directory, layer blob ${how}: no directory is left`, async () => {
      breakBlob();
      await expect(saveOciDirectory(store, [{ descriptor: image }], join(dest, 'layout'))).rejects.toThrow();
      expect(readdirSync(dest)).toEqual([]);
    });
  }

  it('an export that succeeds writes the archive (the check above can pass only by failing)', async () => {
    await archiveWriters.oci(join(dest, 'image.tar'));
    expect(readFileSync(join(dest, 'image.tar')).byteLength).toBeGreaterThan(4 << 20);
    await saveOciDirectory(store, [{ descriptor: image }], join(dest, 'layout'));
    expect(existsSync(join(dest, 'layout', 'blobs', 'sha256', lastLayer.digest.slice(7)))).toBe(true);
  });
});

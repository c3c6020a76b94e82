// Configs, manifests and indexes: both media-type families, platform selection from an index,
// and exports of a multi-platform image.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveDockerArchive } from '../../src/oci/archive-docker.js';
import { saveOciArchive } from '../../src/oci/archive-oci.js';
import { importRootfs } from '../../src/oci/image-import.js';
import { reachableBlobs } from '../../src/oci/image-walk.js';
import { readConfig, readManifest, resolveImage, writeImage, writeIndex } from '../../src/oci/image.js';
import { LocalImages } from '../../src/oci/local-images.js';
import { MemoryContentStore } from '../../src/oci/memory-store.js';
import { MediaType, type Descriptor, type ImageConfig } from '../../src/spec/types.js';
import { tsbuildInProcess } from './fixtures/run-ts.js';

let work: string;
let images: LocalImages;
let index: Descriptor;
const platforms = [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tsbuild-image-'));
  images = await LocalImages.open(join(work, 'root'));
  const manifests: Descriptor[] = [];
  for (const platform of platforms) {
    const rootfs = join(work, platform.architecture);
    mkdirSync(join(rootfs, 'etc'), { recursive: true });
    writeFileSync(join(rootfs, 'etc', 'arch'), `${platform.architecture}\n`);
    manifests.push(await importRootfs(images.store, rootfs, { platform }));
  }
  index = await writeIndex(images.store, manifests);
  await images.names.set('localhost:5000/multi:1', index);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const config: ImageConfig = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } };

describe('writeImage / readers', () => {
  it.each([
    ['oci', MediaType.OciManifest, MediaType.OciConfig],
    ['docker', MediaType.DockerManifest, MediaType.DockerConfig],
  ] as const)('writes %s media types and reads them back', async (family, manifestType, configType) => {
    const store = new MemoryContentStore();
    const descriptor = await writeImage(store, { config, layers: [], mediaTypes: family });
    expect(descriptor).toMatchObject({ mediaType: manifestType, platform: { os: 'linux', architecture: 'amd64' } });
    const manifest = await readManifest(store, descriptor);
    expect(manifest).toMatchObject({ schemaVersion: 2, mediaType: manifestType, config: { mediaType: configType } });
    expect(await readConfig(store, manifest.config)).toEqual(config);
    expect((await resolveImage(store, descriptor)).config).toEqual(config);
  });
});

describe('multi-platform images', () => {
  it.each(platforms)('resolves the index to the $architecture manifest', async (platform) => {
    const resolved = await images.resolve('localhost:5000/multi:1', platform);
    expect(resolved.config.architecture).toBe(platform.architecture);
    expect(resolved.index?.descriptor.digest).toBe(index.digest);
  });

  it('names the available platforms when none matches', async () => {
    await expect(images.resolve('localhost:5000/multi:1', { os: 'linux', architecture: 's390x' }))
      .rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/linux\/amd64, linux\/arm64/) });
  });

  it('lists every name, including an index without this host platform and a name whose blobs are gone', async () => {
    const arm = await images.resolve('localhost:5000/multi:1', platforms[1]);
    const armOnly = await writeIndex(images.store, [arm.descriptor]);
    await images.names.set('localhost:5000/arm-only:1', armOnly);
    const missing = { mediaType: MediaType.OciManifest, digest: `sha256:${'e'.repeat(64)}` as Descriptor['digest'], size: 123 };
    await images.names.set('localhost:5000/missing:1', missing);
    const listed = await images.list();
    expect(listed.find((i) => i.name === 'localhost:5000/arm-only:1')?.created).toBe(arm.config.created);
    expect(listed.find((i) => i.name === 'localhost:5000/missing:1')).toMatchObject({ size: 123 });
    expect(listed.find((i) => i.name === 'localhost:5000/multi:1')?.size).toBeGreaterThan(index.size);
    await images.names.remove('localhost:5000/missing:1');
  });

  it('inspect --platform picks the manifest from the index', async () => {
    const result = await tsbuildInProcess(join(work, 'root'), ['inspect', '--raw', '--platform', 'linux/arm64', 'localhost:5000/multi:1']);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ index: { digest: index.digest }, config: { architecture: 'arm64' } });
  });

  it('exports the whole index as an OCI archive and one platform as a docker archive', async () => {
    expect(await reachableBlobs(images.store, [index])).toHaveLength(1 + 2 * 3);
    const oci = join(work, 'multi-oci.tar');
    await saveOciArchive(images.store, [{ name: 'localhost:5000/multi:1', descriptor: index }], oci);
    const raw = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', `oci-archive:${oci}`], { encoding: 'utf8' }));
    expect(raw.manifests.map((m: Descriptor) => m.platform?.architecture)).toEqual(['amd64', 'arm64']);
    const arm = JSON.parse(execFileSync('skopeo', ['inspect', '--override-arch', 'arm64', `oci-archive:${oci}`], { encoding: 'utf8' }));
    expect(arm.Architecture).toBe('arm64');
    const docker = join(work, 'multi-docker.tar');
    await saveDockerArchive(images.store, [{ name: 'localhost:5000/multi:1', descriptor: index }], docker, platforms[1]);
    const inspected = JSON.parse(execFileSync('skopeo', ['inspect', `docker-archive:${docker}`], { encoding: 'utf8' }));
    expect(inspected.Architecture).toBe('arm64');
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', docker, 'manifest.json'], { encoding: 'utf8' }));
    expect(manifest[0].RepoTags).toEqual(['localhost:5000/multi:1']);
  });
});

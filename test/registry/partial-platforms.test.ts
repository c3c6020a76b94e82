// `pull` fetches one platform of a multi-platform image; `save` and `tag` + `push` of it then
// carry the platforms that are local (docker's rule for a partly pulled image: one platform =
// its manifest alone, several = a narrower index) and warn about the rest, instead of failing
// with "blob not found".
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArchive } from '../../src/oci/archive-load.js';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { readIndex } from '../../src/oci/image.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { MediaType } from '../../src/spec/types.js';
import { RegistryClient } from '../../src/registry/client.js';
import { pullImage } from '../../src/registry/pull.js';
import { pushImage } from '../../src/registry/push.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';
import { runCli } from './cli-runner.js';
import { makeImage, makeIndex, type TestImage } from './fixtures.js';

let registry: TestRegistry;
let work: string;
let amd64: TestImage;
let arm64: TestImage;
let armv7: TestImage;
let name: string;

beforeAll(async () => {
  registry = await startRegistry();
  work = await mkdtemp(join(tmpdir(), 'tsbuild-partial-'));
  const store = await DiskContentStore.open(join(work, 'src'));
  amd64 = await makeImage(store, [3000, 1000], { os: 'linux', architecture: 'amd64' });
  arm64 = await makeImage(store, [2000], { os: 'linux', architecture: 'arm64' });
  armv7 = await makeImage(store, [1500], { os: 'linux', architecture: 'arm', variant: 'v7' });
  const index = await makeIndex(store, [amd64, arm64, armv7]);
  name = `${registry.host}/multi/app:1`;
  const names = new ImageNames(store.layout);
  await names.set(name, index);
  await pushImage(name, { store, names });
});

afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

async function pulledRoot(dir: string, platforms: string[]): Promise<string> {
  const root = join(work, dir);
  const store = await DiskContentStore.open(root);
  const names = new ImageNames(store.layout);
  for (const platform of platforms) {
    const [os = '', architecture = '', variant] = platform.split('/');
    await pullImage(name, { store, names, platform: { os, architecture, ...(variant ? { variant } : {}) } });
  }
  return root;
}

describe('a partly pulled multi-platform image', () => {
  it('saves the one local platform as a plain manifest, with a warning, and loads back', async () => {
    const root = await pulledRoot('one', ['linux/amd64']);
    const archive = join(work, 'one.tar');
    const saved = await runCli(['save', '-o', archive, name], { TSBUILD_ROOT: root });
    expect(saved.stderr).toBe(
      `warning: ${name}: not every platform of this multi-platform image is in the local store; saving linux/amd64 only`
      + ' (left out: linux/arm64, linux/arm/v7; pull them for those platforms to include them)\n',
    );
    expect(saved.status).toBe(0);
    const loaded = await loadArchive(await DiskContentStore.open(join(work, 'one-loaded')), archive);
    expect(loaded.map((image) => image.descriptor.digest)).toEqual([amd64.descriptor.digest]);
  });

  it('pushes the one local platform after tag, with a warning', async () => {
    const root = await pulledRoot('one-push', ['linux/amd64']);
    const copy = `${registry.host}/copy/app:1`;
    expect((await runCli(['tag', name, copy], { TSBUILD_ROOT: root })).status).toBe(0);
    const pushed = await runCli(['push', '-q', copy], { TSBUILD_ROOT: root });
    expect(pushed.stderr).toMatch(/^warning: .*copy\/app:1: not every platform .*; pushing linux\/amd64 only \(left out: linux\/arm64, linux\/arm\/v7;/);
    expect(pushed).toMatchObject({ status: 0, stdout: `${amd64.descriptor.digest}\n` });
    const remote = await new RegistryClient(registry.host).getManifest('copy/app', '1');
    expect(remote.descriptor.digest).toBe(amd64.descriptor.digest);
  });

  it('saves and pushes a narrower index when several platforms are local', async () => {
    const root = await pulledRoot('two', ['linux/amd64', 'linux/arm64']);
    const archive = join(work, 'two.tar');
    const saved = await runCli(['save', '-o', archive, name], { TSBUILD_ROOT: root });
    expect(saved.stderr).toMatch(/saving linux\/amd64, linux\/arm64 only \(left out: linux\/arm\/v7;/);
    expect(saved.status).toBe(0);
    const loadedStore = await DiskContentStore.open(join(work, 'two-loaded'));
    const [loaded] = await loadArchive(loadedStore, archive);
    expect(loaded?.descriptor.mediaType).toBe(MediaType.OciIndex);
    const index = await readIndex(loadedStore, loaded!.descriptor);
    expect(index.manifests.map((m) => m.digest)).toEqual([amd64.descriptor.digest, arm64.descriptor.digest]);

    const copy = `${registry.host}/copy/two:1`;
    expect((await runCli(['tag', name, copy], { TSBUILD_ROOT: root })).status).toBe(0);
    const pushed = await runCli(['push', '-q', copy], { TSBUILD_ROOT: root });
    expect(pushed.status).toBe(0);
    expect(pushed.stdout).toBe(`${loaded!.descriptor.digest}\n`);
    const fresh = await DiskContentStore.open(join(work, 'two-repulled'));
    const repulled = await pullImage(copy, { store: fresh, platform: { os: 'linux', architecture: 'arm64' } });
    expect(repulled.manifest.digest).toBe(arm64.descriptor.digest);
  });

  it('saves a fully pulled index unchanged and without a warning', async () => {
    const root = await pulledRoot('all', ['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
    const saved = await runCli(['save', '-o', join(work, 'all.tar'), name], { TSBUILD_ROOT: root });
    expect(saved).toMatchObject({ status: 0, stderr: '' });
    const [loaded] = await loadArchive(await DiskContentStore.open(join(work, 'all-loaded')), join(work, 'all.tar'));
    const original = await new RegistryClient(registry.host).getManifest('multi/app', '1');
    expect(loaded?.descriptor.digest).toBe(original.descriptor.digest);
  });
});

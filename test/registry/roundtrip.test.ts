import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { parsePlatform } from '../../src/spec/platform.js';
import { MediaType, type Digest, type ImageIndex, type ImageManifest } from '../../src/spec/types.js';
import { RegistryClient } from '../../src/registry/client.js';
import { pullImage, resolveImage } from '../../src/registry/pull.js';
import { pushImage } from '../../src/registry/push.js';
import type { TransferProgress } from '../../src/registry/progress.js';
import { freePort, startRegistry, type TestRegistry } from '../helpers/registry-server.js';
import { runCli } from './cli-runner.js';
import { digestOf, makeImage, makeIndex, writeOciLayout } from './fixtures.js';

let registry: TestRegistry;
let work: string;

async function openRoot(name: string): Promise<{ store: DiskContentStore; names: ImageNames }> {
  const store = await DiskContentStore.open(join(work, name));
  return { store, names: new ImageNames(store.layout) };
}

beforeAll(async () => {
  registry = await startRegistry();
  work = await mkdtemp(join(tmpdir(), 'tsbuild-roundtrip-'));
});

afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('push and pull against a real registry', () => {
  it('round-trips an image with several layers', async () => {
    const src = await openRoot('push-src');
    const image = await makeImage(src.store, [1024, 200_000, 3_000_000]);
    const name = `${registry.host}/tsbuild/roundtrip:v1`;
    await src.names.set(name, image.descriptor);
    const events: TransferProgress[] = [];
    const pushed = await pushImage(name, { ...src, onProgress: (e) => events.push(e) });
    expect(pushed.descriptor.digest).toBe(image.descriptor.digest);
    expect(events.filter((e) => e.status === 'done')).toHaveLength(4);

    const dst = await openRoot('pull-dst');
    const pulled = await pullImage(name, { ...dst });
    expect(pulled.descriptor.digest).toBe(image.descriptor.digest);
    for (const layer of image.manifest.layers) expect(await dst.store.has(layer.digest)).toBe(true);
    expect((await dst.store.read(image.manifest.layers[2]!.digest)).equals(image.layers[2]!)).toBe(true);
    expect((await dst.names.get(name))?.descriptor.digest).toBe(image.descriptor.digest);

    const again = await pushImage(name, { ...src, onProgress: (e) => events.push(e) });
    expect(again.descriptor.digest).toBe(image.descriptor.digest);
    expect(events.slice(-4).map((e) => e.status)).toEqual(['exists', 'exists', 'exists', 'exists']);
  });

  it('pushes what skopeo can inspect', async () => {
    const src = await openRoot('skopeo-inspect');
    const image = await makeImage(src.store, [5000, 6000]);
    const name = `${registry.host}/tsbuild/inspected:t1`;
    await src.names.set(name, image.descriptor);
    await pushImage(name, src);
    const raw = execFileSync('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${name}`]);
    expect(digestOf(raw)).toBe(image.descriptor.digest);
    const info = JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${name}`], { encoding: 'utf8' })) as {
      Digest: string; Layers: string[]; Architecture: string;
    };
    expect(info.Digest).toBe(image.descriptor.digest);
    expect(info.Layers).toEqual(image.manifest.layers.map((l) => l.digest));
    expect(info.Architecture).toBe('amd64');
  });

  it('pulls a Docker-format image that skopeo pushed', async () => {
    const src = await openRoot('skopeo-src');
    const image = await makeImage(src.store, [7000, 8000]);
    const layout = join(work, 'layout-docker');
    await writeOciLayout(layout, src.store, image.descriptor, 'v1');
    const name = `${registry.host}/skopeo/pushed:v2s2`;
    execFileSync('skopeo', ['copy', '--dest-tls-verify=false', '--format', 'v2s2', `oci:${layout}:v1`, `docker://${name}`], { stdio: 'pipe' });
    const dst = await openRoot('skopeo-dst');
    const pulled = await pullImage(name, dst);
    expect(pulled.descriptor.mediaType).toBe(MediaType.DockerManifest);
    const manifest = JSON.parse((await dst.store.read(pulled.manifest.digest)).toString()) as ImageManifest;
    // skopeo re-compresses while converting to v2s2, so compare against what it wrote.
    const raw = execFileSync('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${name}`]);
    expect(pulled.descriptor.digest).toBe(digestOf(raw));
    const written = JSON.parse(raw.toString()) as ImageManifest;
    expect(manifest.layers.map((l) => l.digest)).toEqual(written.layers.map((l) => l.digest));
    for (const layer of written.layers) expect(await dst.store.has(layer.digest)).toBe(true);
    expect(manifest.layers[0]!.mediaType).toBe(MediaType.DockerLayerGzip);
    expect(await dst.store.has(manifest.config.digest)).toBe(true);
  });

  it('pushes a multi-platform index and pulls the platform asked for', async () => {
    const src = await openRoot('multi-src');
    const amd64 = await makeImage(src.store, [3000], { os: 'linux', architecture: 'amd64' });
    const arm64 = await makeImage(src.store, [4000], { os: 'linux', architecture: 'arm64', variant: 'v8' });
    const index = await makeIndex(src.store, [amd64, arm64]);
    const name = `${registry.host}/tsbuild/multi:latest`;
    await src.names.set(name, index);
    await pushImage(name, src);
    const listed = JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${name}`], { encoding: 'utf8' })) as ImageIndex;
    expect(listed.manifests.map((m) => m.platform?.architecture)).toEqual(['amd64', 'arm64']);

    for (const [platform, wanted, other] of [['linux/arm64', arm64, amd64], ['linux/amd64', amd64, arm64]] as const) {
      const dst = await openRoot(`multi-dst-${platform.replace('/', '-')}`);
      const pulled = await pullImage(name, { ...dst, platform: parsePlatform(platform) });
      expect(pulled.descriptor.digest).toBe(index.digest);
      expect(pulled.manifest.digest).toBe(wanted.descriptor.digest);
      expect(await dst.store.has(wanted.manifest.layers[0]!.digest)).toBe(true);
      expect(await dst.store.has(other.descriptor.digest)).toBe(false);
      expect(await dst.store.has(other.manifest.layers[0]!.digest)).toBe(false);
      expect((await dst.names.get(name))?.descriptor.mediaType).toBe(MediaType.OciIndex);
    }
    const cliRoot = join(work, 'multi-cli');
    const cli = await runCli(['pull', '-q', '--platform', 'linux/aarch64', name], { TSBUILD_ROOT: cliRoot, DOCKER_CONFIG: join(work, 'no-docker-config') });
    expect(cli).toMatchObject({ status: 0, stdout: `${index.digest}\n` });
    const cliStore = await DiskContentStore.open(cliRoot);
    expect(await cliStore.has(arm64.descriptor.digest)).toBe(true);
    expect(await cliStore.has(amd64.descriptor.digest)).toBe(false);

    const dst = await openRoot('multi-dst-s390x');
    await expect(pullImage(name, { ...dst, platform: parsePlatform('linux/s390x') })).rejects.toThrow(
      /no manifest for platform linux\/s390x.*available: linux\/amd64, linux\/arm64/,
    );
  });

  it('mounts blobs from another repository instead of uploading them', async () => {
    const src = await openRoot('mount-src');
    const image = await makeImage(src.store, [50_000, 60_000]);
    const first = `${registry.host}/team/base:1`;
    const second = `${registry.host}/team/derived:1`;
    await src.names.set(first, image.descriptor);
    await src.names.set(second, image.descriptor);
    await pushImage(first, src);
    const events: TransferProgress[] = [];
    await pushImage(second, { ...src, mountFrom: ['team/base'], onProgress: (e) => events.push(e) });
    expect(events.filter((e) => e.status === 'mounted')).toHaveLength(3);
    const client = new RegistryClient(registry.host);
    expect(await client.headBlob('team/derived', image.manifest.layers[1]!.digest)).toBe(60_000);
  });

  it('uploads large blobs in PATCH chunks and lists tags', async () => {
    const src = await openRoot('chunked');
    const image = await makeImage(src.store, [2_500_000]);
    for (const tag of ['a', 'b', 'c']) {
      const name = `${registry.host}/tsbuild/chunked:${tag}`;
      await src.names.set(name, image.descriptor);
      await pushImage(name, { ...src, chunkSize: 1024 * 1024 });
    }
    const client = new RegistryClient(registry.host);
    expect((await client.listTags('tsbuild/chunked')).sort()).toEqual(['a', 'b', 'c']);
    const dst = await openRoot('chunked-dst');
    await pullImage(`${registry.host}/tsbuild/chunked:b`, dst);
    expect((await dst.store.read(image.manifest.layers[0]!.digest)).equals(image.layers[0]!)).toBe(true);
  });

  it('names the missing manifest on 404', async () => {
    const dst = await openRoot('missing');
    await expect(pullImage(`${registry.host}/tsbuild/nope:gone`, dst)).rejects.toThrow(
      new RegExp(`${registry.host}: manifest tsbuild/nope:gone not found \\(MANIFEST_UNKNOWN`),
    );
  });

  it('pulls docker.io images through a registry mirror, skipping a dead one', async () => {
    const src = await openRoot('mirror-src');
    const image = await makeImage(src.store, [1000]);
    await src.names.set(`${registry.host}/library/mirrored:1`, image.descriptor);
    await pushImage(`${registry.host}/library/mirrored:1`, src);
    const dst = await openRoot('mirror-dst');
    const dead = `http://127.0.0.1:${await freePort()}`;
    const pulled = await pullImage('mirrored:1', { ...dst, registryMirrors: [dead, registry.url], maxRetries: 0 });
    expect(pulled.name).toBe('docker.io/library/mirrored:1');
    expect(pulled.descriptor.digest).toBe(image.descriptor.digest);
  });

  it('pulls by digest, resolves references, lists tags and names missing blobs', async () => {
    const src = await openRoot('by-digest');
    const image = await makeImage(src.store, [1234]);
    const repo = 'tsbuild/paged';
    for (const tag of ['t1', 't2', 't3', 't4', 't5']) {
      await src.names.set(`${registry.host}/${repo}:${tag}`, image.descriptor);
      await pushImage(`${registry.host}/${repo}:${tag}`, src);
    }
    const client = new RegistryClient(registry.host);
    // distribution 2.8 ignores `n` for tags and returns them unsorted.
    expect((await client.listTags(repo, 2)).sort()).toEqual(['t1', 't2', 't3', 't4', 't5']);
    const resolved = await resolveImage(`${registry.host}/${repo}:t3`);
    expect(resolved).toEqual({ mediaType: MediaType.OciManifest, digest: image.descriptor.digest, size: image.descriptor.size });

    const dst = await openRoot('by-digest-dst');
    const byDigest = `${registry.host}/${repo}@${image.descriptor.digest}`;
    const pulled = await pullImage(byDigest, dst);
    expect(pulled.name).toBe(byDigest);
    expect(await dst.store.has(image.manifest.layers[0]!.digest)).toBe(true);

    const absent = { ...image.manifest.layers[0]!, digest: `sha256:${'0'.repeat(64)}` as Digest };
    await expect(client.fetchBlob(repo, absent, dst.store)).rejects.toThrow(
      `${registry.host}: blob ${absent.digest} in ${repo} not found (BLOB_UNKNOWN`,
    );
  });
});

// Cross-repository blob mounts on push, as docker does them: a blob pulled from (or pushed to)
// one repository of a registry is mounted into another repository of that registry instead of
// being uploaded again. The registry is the real docker-registry behind a logging proxy, which
// shows the mount POST answered 201 and no upload of those blobs.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { pullImage } from '../../src/registry/pull.js';
import { pushImage } from '../../src/registry/push.js';
import type { TransferProgress } from '../../src/registry/progress.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';
import { makeImage, type TestImage } from './fixtures.js';

let registry: TestRegistry;
let proxy: Server;
let host: string;
let work: string;
const requests: Array<{ method: string; url: string; status: number }> = [];

beforeAll(async () => {
  registry = await startRegistry();
  // Forwards every request to the registry and notes method, path and the registry's status.
  proxy = createServer((req, res) => {
    const upstream = request(`${registry.url}${req.url}`, { method: req.method, headers: { ...req.headers, host: registry.host } }, (reply) => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', status: reply.statusCode ?? 0 });
      const headers = { ...reply.headers };
      if (typeof headers.location === 'string') headers.location = headers.location.replace(registry.url, `http://${host}`);
      res.writeHead(reply.statusCode ?? 502, headers);
      reply.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  work = await mkdtemp(join(tmpdir(), 'tsbuild-mount-'));
});

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

async function openRoot(name: string) {
  const store = await DiskContentStore.open(join(work, name));
  return { store, names: new ImageNames(store.layout) };
}

/** The blobs of `image` (config and layers) the push mounted, and the requests that uploaded any. */
function pushTraffic(image: TestImage, repo: string, from: number) {
  const digests = [image.manifest.config.digest, ...image.manifest.layers.map((l) => l.digest)];
  const seen = requests.slice(from);
  const mounts = seen.filter((r) => r.method === 'POST' && r.url.startsWith(`/v2/${repo}/blobs/uploads/?mount=`));
  return {
    mountedDigests: mounts.filter((r) => r.status === 201).map((r) => decodeURIComponent(new URL(r.url, 'http://x').searchParams.get('mount') ?? '')).sort(),
    mountedFrom: [...new Set(mounts.map((r) => new URL(r.url, 'http://x').searchParams.get('from')))],
    uploads: seen.filter((r) => (r.method === 'PUT' || r.method === 'PATCH') && r.url.includes(`/v2/${repo}/blobs/uploads/`)),
    digests: digests.sort(),
  };
}

describe('push mounts blobs from other repositories of the same registry', () => {
  let image: TestImage;
  let client: Awaited<ReturnType<typeof openRoot>>;

  beforeAll(async () => {
    const seed = await openRoot('seed');
    image = await makeImage(seed.store, [1000, 300_000]);
    await seed.names.set(`${host}/library/base:1`, image.descriptor);
    // Pushed from a root of its own: the root that pulls it knows it only from the pull.
    await pushImage(`${host}/library/base:1`, seed);
    client = await openRoot('client');
    await pullImage(`${host}/library/base:1`, client);
  });

  it('mounts the blobs of a pulled base image from its repository', async () => {
    await client.names.set(`${host}/team/app:1`, image.descriptor);
    const from = requests.length;
    const events: TransferProgress[] = [];
    await pushImage(`${host}/team/app:1`, { ...client, onProgress: (e) => events.push(e) });
    const traffic = pushTraffic(image, 'team/app', from);
    expect(traffic.mountedDigests).toEqual(traffic.digests);
    expect(traffic.mountedFrom).toEqual(['library/base']);
    expect(traffic.uploads).toEqual([]);
    expect(events.filter((e) => e.status === 'mounted').map((e) => e.from)).toEqual(traffic.digests.map(() => 'library/base'));
  });

  it('mounts from the repository an earlier push went to', async () => {
    const pushedRoot = await openRoot('pusher');
    const own = await makeImage(pushedRoot.store, [2000]);
    await pushedRoot.names.set(`${host}/one/app:1`, own.descriptor);
    await pushImage(`${host}/one/app:1`, pushedRoot);
    await pushedRoot.names.set(`${host}/two/app:1`, own.descriptor);
    const from = requests.length;
    await pushImage(`${host}/two/app:1`, pushedRoot);
    const traffic = pushTraffic(own, 'two/app', from);
    expect(traffic.mountedDigests).toEqual(traffic.digests);
    expect(traffic.mountedFrom).toEqual(['one/app']);
    expect(traffic.uploads).toEqual([]);
  });
});

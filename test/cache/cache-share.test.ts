// Cache sharing across machines: build on root A exporting the cache, build on an empty root B
// importing it: every step is CACHED and the image digest is the same.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/executor/build.js';
import type { BuildEvent } from '../../src/executor/events.js';
import type { BuildOptions, CacheLocation } from '../../src/executor/options.js';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { distributableImage } from '../../src/oci/distribution.js';
import type { Digest } from '../../src/spec/types.js';
import { pushBusyboxBase } from '../helpers/registry-base.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';
import { startGhaCacheStandIn, type GhaCacheStandIn } from '../helpers/gha-cache-server.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';

let registry: TestRegistry;
let s3: TestS3;
/** A stand-in for the GitHub Actions cache service (not GitHub's own). */
let gha: GhaCacheStandIn;
let context: string;
let base: string;

const DOCKERFILE = `ARG BASE
FROM \${BASE} AS build
WORKDIR /src
COPY app.txt .
RUN cp app.txt built.txt && echo built >> built.txt
FROM \${BASE}
COPY --from=build /src/built.txt /built.txt
CMD ["cat", "/built.txt"]
`;

beforeAll(async () => {
  registry = await startRegistry();
  s3 = await startS3();
  gha = await startGhaCacheStandIn();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'tsbuild-cache-share-'));
  context = path.join(tmp, 'ctx');
  await mkdir(context);
  await writeFile(path.join(context, 'Dockerfile'), DOCKERFILE);
  await writeFile(path.join(context, 'app.txt'), 'hello\n');
  // The base image lives in the registry, so both roots resolve it to the same digest.
  base = await pushBusyboxBase(registry, tmp);
});

afterAll(async () => {
  await registry?.stop();
  await s3?.stop();
  await gha?.stop();
});

async function buildIn(root: string, extra: Partial<BuildOptions>) {
  const events: BuildEvent[] = [];
  const result = await build({
    context, root, buildArgs: { BASE: base }, sourceDateEpoch: 1_700_000_000, tags: ['demo/cache:1'],
    onEvent: (e) => events.push(e), ...extra,
  });
  // Steps of the Dockerfile (the pull and the export have no line).
  const count = (type: BuildEvent['type']) => events.filter((e) => e.type === type && 'line' in e && e.line !== undefined).length;
  return { result, cached: count('step.cached'), ran: count('step.done') - 1 /* the FROM both stages share */, events };
}

function locationFor(kind: 'registry' | 'local' | 's3' | 'gha', tmp: string): CacheLocation {
  switch (kind) {
    case 'registry':
      return { type: 'registry', ref: `${registry.host}/cache/demo:${kind}` };
    case 'local':
      return { type: 'local', dir: path.join(tmp, 'cache-dir') };
    case 's3':
      return {
        type: 's3', bucket: s3.bucket, region: 'us-east-1', endpointUrl: s3.endpoint, usePathStyle: true, prefix: 'share/',
        accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER',
      };
    case 'gha':
      return { type: 'gha', scope: 'share', url: gha.url, token: gha.token };
  }
}

describe.each(['registry', 'local', 's3', 'gha'] as const)('cache shared through %s', (kind) => {
  it('rebuilds on an empty root with every step cached and the same digest', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), `tsbuild-cache-${kind}-`));
    const location = locationFor(kind, tmp);
    const first = await buildIn(path.join(tmp, 'A'), { cacheTo: [{ location, mode: 'max' }] });
    expect(first.cached).toBe(0);
    const second = await buildIn(path.join(tmp, 'B'), { cacheFrom: [location] });
    expect(second.cached).toBe(4);
    expect(second.ran).toBe(0);
    // The same image, manifest included (BuildKit's testImportExportReproducibleIDs): B keeps the
    // imported layers uncompressed, as A built them, and the gzip it fetched for pushing them.
    expect(second.result.imageId).toBe(first.result.imageId);
    expect(second.result.digest).toBe(first.result.digest);
    const pushable = async (root: string, digest: string) => {
      const store = await DiskContentStore.open(root);
      const manifest = JSON.parse((await store.read(digest as Digest)).toString()) as { mediaType: string };
      return (await distributableImage(store, { mediaType: manifest.mediaType, digest: digest as Digest, size: 0 })).digest;
    };
    expect(await pushable(path.join(tmp, 'B'), second.result.digest)).toBe(await pushable(path.join(tmp, 'A'), first.result.digest));
  });
});

it('ignore-error=true turns a failed cache export into a warning', async () => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'tsbuild-cache-ignore-'));
  const refused = { type: 'gha' as const, scope: 'refused', url: gha.url, token: 'not-the-token' };
  await expect(buildIn(path.join(tmp, 'A'), { cacheTo: [{ location: refused, mode: 'max' }] })).rejects.toThrow(/HTTP 401/);
  const built = await buildIn(path.join(tmp, 'A'), { cacheTo: [{ location: refused, mode: 'max', ignoreError: true }] });
  expect(built.events.some((e) => e.type === 'warning' && /cache export to gha scope refused failed \(ignore-error=true\).*HTTP 401/.test(e.message))).toBe(true);
});

it('mode=min exports only the final image steps; a missing cache only warns', async () => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'tsbuild-cache-min-'));
  const location = { type: 'local' as const, dir: path.join(tmp, 'min') };
  await buildIn(path.join(tmp, 'A'), { cacheTo: [{ location, mode: 'min' }] });
  const second = await buildIn(path.join(tmp, 'B'), { cacheFrom: [location, { type: 'local', dir: path.join(tmp, 'absent') }] });
  // Only the final image's own step is exported: the build stage runs again, and the
  // COPY --from on top of it hits because keys depend on definitions, not on results.
  expect(second.cached).toBe(1);
  expect(second.ran).toBe(3);
  expect(second.events.some((e) => e.type === 'warning' && /cache import from .*absent skipped/.test(e.message))).toBe(true);
});


it('cache-mounts=true carries RUN --mount=type=cache contents to another root', async () => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'tsbuild-cache-mounts-'));
  const location = { type: 'registry' as const, ref: `${registry.host}/cache/mounts:1` };
  const ctx = path.join(tmp, 'ctx');
  await mkdir(ctx);
  const writeDockerfile = (run: string) => writeFile(path.join(ctx, 'Dockerfile'), `ARG BASE\nFROM \${BASE}\n${run}\n`);
  await writeDockerfile('RUN --mount=type=cache,id=pkgs,target=/var/cache/pkgs echo downloaded > /var/cache/pkgs/pkg.txt');
  await buildIn(path.join(tmp, 'A'), { context: ctx, cacheTo: [{ location, mode: 'max', cacheMounts: true }] });
  // A different command on root B misses the cache but finds the package cache filled.
  await writeDockerfile('RUN --mount=type=cache,id=pkgs,target=/var/cache/pkgs cp /var/cache/pkgs/pkg.txt /seen.txt');
  const rootB = path.join(tmp, 'B');
  await buildIn(rootB, { context: ctx, cacheFrom: [location], outputs: [{ type: 'local', dest: path.join(tmp, 'out') }] });
  const { readFile } = await import('node:fs/promises');
  expect(await readFile(path.join(tmp, 'out', 'seen.txt'), 'utf8')).toBe('downloaded\n');
});

// A rebuild that changes nothing gives the same image, without SOURCE_DATE_EPOCH too: the
// history of reused steps keeps the times of the build that made them (from the cache record,
// local or imported), metadata entries take the time of the step they follow, and the image's
// `created` is its last history entry's (as BuildKit's exporter dates them).
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/executor/build.js';
import type { BuildEvent } from '../../src/executor/events.js';
import type { BuildOptions } from '../../src/executor/options.js';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import type { Digest, ImageConfig, ImageManifest } from '../../src/spec/types.js';
import { pushBusyboxBase } from '../helpers/registry-base.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';

let registry: TestRegistry;
let context: string;
let base: string;
let tmp: string;

const DOCKERFILE = `ARG BASE
FROM \${BASE} AS build
ENV STAGE=build
WORKDIR /src
COPY app.txt .
RUN cp app.txt built.txt
FROM \${BASE}
LABEL purpose=test
COPY --from=build /src/built.txt /built.txt
CMD ["cat", "/built.txt"]
`;

beforeAll(async () => {
  registry = await startRegistry();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'tsbuild-rebuild-id-'));
  context = path.join(tmp, 'ctx');
  await mkdir(context);
  await writeFile(path.join(context, 'Dockerfile'), DOCKERFILE);
  await writeFile(path.join(context, 'app.txt'), 'hello\n');
  base = await pushBusyboxBase(registry, tmp);
});

afterAll(async () => {
  await registry?.stop();
});

async function buildIn(root: string, extra: Partial<BuildOptions> = {}) {
  const events: BuildEvent[] = [];
  const result = await build({ context, root, buildArgs: { BASE: base }, tags: ['demo/rebuild:1'], onEvent: (e) => events.push(e), ...extra });
  const store = await DiskContentStore.open(root);
  const manifest = JSON.parse((await store.read(result.digest as Digest)).toString()) as ImageManifest;
  const config = JSON.parse((await store.read(manifest.config.digest)).toString()) as ImageConfig;
  return { result, config, ran: events.filter((e) => e.type === 'step.done' && e.line !== undefined).length /* Dockerfile steps: not the pull or the export */ };
}

describe('a rebuild without SOURCE_DATE_EPOCH', () => {
  it('keeps the image ID on the same root', async () => {
    const root = path.join(tmp, 'same');
    const first = await buildIn(root);
    // Timestamps have a resolution of a second: the second build starts in another one.
    await sleep(1100);
    const second = await buildIn(root);
    expect(second.ran).toBe(0); // every step CACHED, the FROM too: its base is unpacked already
    expect(second.config.history?.map((h) => h.created)).toEqual(first.config.history?.map((h) => h.created));
    expect(second.result.imageId).toBe(first.result.imageId);
  });

  it('keeps the image ID on a fresh root importing the registry cache', async () => {
    const location = { type: 'registry' as const, ref: `${registry.host}/cache/rebuild:1` };
    const first = await buildIn(path.join(tmp, 'A'), { cacheTo: [{ location, mode: 'max' }] });
    await sleep(1100);
    const second = await buildIn(path.join(tmp, 'B'), { cacheFrom: [location] });
    expect(second.ran).toBe(1);
    expect(second.result.imageId).toBe(first.result.imageId);
  });

  it('dates a new image by its last step, not before its base', async () => {
    const { config } = await buildIn(path.join(tmp, 'dates'));
    const times = (config.history ?? []).map((h) => Date.parse(h.created ?? ''));
    expect(times.every((t) => Number.isFinite(t))).toBe(true);
    expect(Date.parse(config.created ?? '')).toBe(times.at(-1));
    expect(Date.parse(config.created ?? '')).toBeGreaterThanOrEqual(times[0]!);
  });
});

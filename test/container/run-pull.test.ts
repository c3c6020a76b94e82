// End to end through the built CLI: `tsbuild run --pull missing|always|never` against a real registry.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalImages } from '../../src/oci/local-images.js';
import { pushImage } from '../../src/registry/push.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';
import { IMAGES, makeRunFixture, type RunFixture } from '../container/fixture.js';

let fx: RunFixture;
let registry: TestRegistry;

beforeAll(async () => {
  [fx, registry] = await Promise.all([makeRunFixture(), startRegistry()]);
});
afterAll(async () => {
  await registry?.stop();
  if (fx) await rm(fx.work, { recursive: true, force: true });
});

async function push(source: string, destination: string): Promise<void> {
  const images = await LocalImages.open(fx.root);
  await pushImage(destination, { store: images.store, names: images.names, source });
}

describe('tsbuild run: pull policy', () => {
  it('missing (the default) pulls an image that is not in the store, then uses the stored one', async () => {
    const ref = `${registry.host}/run/busybox:1`;
    await push(IMAGES.busybox, ref);
    const root = join(fx.work, 'fresh-missing');
    const first = await fx.tsbuild(['run', '--rm', ref, 'echo', 'pulled'], { root });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe('pulled\n');
    expect(first.stderr).toContain(`Unable to find image '${ref}' locally`);
    await push(IMAGES.entrypoint, ref); // the registry moves on; "missing" keeps the stored image
    const second = await fx.tsbuild(['run', '--rm', ref, 'echo', 'stored'], { root });
    expect(second).toMatchObject({ status: 0, stdout: 'stored\n', stderr: '' });
  });

  it('always pulls again and runs what the registry has now', async () => {
    const ref = `${registry.host}/run/moving:1`;
    const root = join(fx.work, 'fresh-always');
    await push(IMAGES.busybox, ref);
    expect((await fx.tsbuild(['run', '--rm', ref, 'true'], { root })).status).toBe(0);
    await push(IMAGES.entrypoint, ref);
    const result = await fx.tsbuild(['run', '--rm', '--pull', 'always', ref], { root });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('ep cmd\n');
  });

  it('never fails with 125 and a clear error instead of pulling', async () => {
    const ref = `${registry.host}/run/busybox:1`;
    const result = await fx.tsbuild(['run', '--rm', '--pull', 'never', ref, 'true'], { root: join(fx.work, 'fresh-never') });
    expect(result.status).toBe(125);
    expect(result.stderr).toMatch(/is not in the local store, and the pull policy "never" forbids pulling it/);
  });
});

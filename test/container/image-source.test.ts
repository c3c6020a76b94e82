// findImage's pull policy against a local store, for decisions that need no registry.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRootfs } from '../../src/oci/image-import.js';
import { LocalImages } from '../../src/oci/local-images.js';
import { hostPlatform } from '../../src/spec/platform.js';
import type { RunEvent } from '../../src/container/events.js';
import { findImage, type ImageSourceOptions } from '../../src/container/image-source.js';

let work: string;
let images: LocalImages;
const events: RunEvent[] = [];
const arm64 = { os: 'linux', architecture: 'arm64' };
const foreign = hostPlatform().architecture === 'arm64' ? { os: 'linux', architecture: 'amd64' } : arm64;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tsbuild-run-source-'));
  mkdirSync(join(work, 'rootfs'));
  writeFileSync(join(work, 'rootfs', 'hello'), 'hi\n');
  images = await LocalImages.open(join(work, 'root'));
  await images.names.set('local/host:1', await importRootfs(images.store, join(work, 'rootfs')));
  await images.names.set('127.0.0.1:9/foreign:1', await importRootfs(images.store, join(work, 'rootfs'), { platform: foreign }));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function options(over: Partial<ImageSourceOptions>): ImageSourceOptions {
  return { pull: 'missing', platform: undefined, registry: {}, onEvent: (e) => events.push(e), ...over };
}

describe('findImage', () => {
  it('uses a stored image without pulling', async () => {
    const image = await findImage(images, 'local/host:1', options({}));
    expect(image.config.architecture).toBe(hostPlatform().architecture);
    expect(events).toEqual([]);
  });

  it('uses a stored foreign image when no platform was asked for', async () => {
    const image = await findImage(images, '127.0.0.1:9/foreign:1', options({ pull: 'never' }));
    expect(image.config.architecture).toBe(foreign.architecture);
  });

  it.each([
    ['missing/image:1', undefined, /"missing\/image:1" is not in the local store, and the pull policy "never" forbids/],
    ['127.0.0.1:9/foreign:1', hostPlatform(), /is stored only for linux\/\w+, not linux\//],
  ])('--pull never refuses %s', async (reference, platform, error) => {
    await expect(findImage(images, reference, options({ pull: 'never', platform }))).rejects.toThrow(error);
  });

  it('cannot pull an image ID', async () => {
    await expect(findImage(images, `sha256:${'0'.repeat(64)}`, options({}))).rejects.toThrow(/an image ID cannot be pulled/);
  });

  it('tries to pull (and reports why) when the stored image is for another platform', async () => {
    const attempt = findImage(images, '127.0.0.1:9/foreign:1', options({ platform: hostPlatform(), registry: { maxRetries: 0 } }));
    await expect(attempt).rejects.toThrow();
    expect(events.at(-1)).toEqual({ kind: 'pull.start', reference: '127.0.0.1:9/foreign:1', reason: 'platform' });
  });
});

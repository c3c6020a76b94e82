import { mkdtemp, rm } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { RegistryError } from '../../src/registry/errors.js';
import { pullImage } from '../../src/registry/pull.js';
import { pushImage } from '../../src/registry/push.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';
import { makeImage } from './fixtures.js';

/** A non-loopback IPv4 address of this machine: registries there get https unless listed insecure. */
function externalAddress(): string {
  const address = Object.values(networkInterfaces()).flat().find((a) => a?.family === 'IPv4' && !a.internal)?.address;
  if (!address) throw new Error('this test needs a non-loopback IPv4 address');
  return address;
}

let registry: TestRegistry;
let work: string;

beforeAll(async () => {
  registry = await startRegistry('none', externalAddress());
  work = await mkdtemp(join(tmpdir(), 'tsbuild-insecure-'));
});
afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env['TSBUILD_INSECURE_REGISTRIES'];
});

async function root(name: string) {
  const store = await DiskContentStore.open(join(work, name));
  return { store, names: new ImageNames(store.layout) };
}

describe('plain http only for registries listed as insecure', () => {
  it('uses https for a non-loopback registry by default', async () => {
    const error = await pullImage(`${registry.host}/x/y:1`, { ...(await root('https')), maxRetries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toContain(`(https://${registry.host})`);
  });

  it('uses http when listed in the options or in $TSBUILD_INSECURE_REGISTRIES', async () => {
    const src = await root('src');
    const image = await makeImage(src.store, [2048]);
    const name = `${registry.host}/insecure/app:1`;
    await src.names.set(name, image.descriptor);
    await pushImage(name, { ...src, insecureRegistries: [registry.host] });
    process.env['TSBUILD_INSECURE_REGISTRIES'] = `other.example,${registry.host}`;
    const pulled = await pullImage(name, await root('dst'));
    expect(pulled.descriptor.digest).toBe(image.descriptor.digest);
  });
});

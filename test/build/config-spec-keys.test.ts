// The exported image config keeps exactly the keys BuildKit keeps: the frontend reads a base
// image's config into moby/docker-image-spec's DockerOCIImage (image-spec's Image and ImageConfig
// plus Healthcheck, OnBuild and Shell) and marshals that, so an old Docker base image's
// `Hostname`, `AttachStdin`, `Image`, `container_config`, `docker_version`... are dropped.
import { afterAll, describe, expect, it } from 'vitest';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { writeImage } from '../../src/oci/image.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { rootLayout } from '../../src/oci/root.js';
import type { ImageConfig, ImageManifest } from '../../src/spec/types.js';
import { buildImage, newRoot, readBlob, readConfig, removeTempDirs, writeContext } from './helpers.js';

afterAll(() => removeTempDirs());

/** busybox with a config as an old Docker engine wrote it (container_config, Hostname, ...). */
async function legacyBase(root: string): Promise<void> {
  const names = new ImageNames(rootLayout(root));
  const busybox = await names.get('busybox:latest');
  if (!busybox) throw new Error('no busybox in the root');
  const manifest = JSON.parse(readBlob(root, busybox.descriptor.digest).toString('utf8')) as ImageManifest;
  const config = JSON.parse(readBlob(root, manifest.config.digest).toString('utf8')) as ImageConfig;
  const legacyContainer = {
    Hostname: 'abc123', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
    Tty: false, OpenStdin: false, StdinOnce: false, Image: 'sha256:0123', NetworkDisabled: true, MacAddress: '02:42:ac:11:00:02',
    StopTimeout: 10,
  };
  const legacy = {
    ...config,
    container: 'abc123def',
    docker_version: '18.09.7',
    container_config: { ...legacyContainer, Cmd: ['/bin/sh', '-c', '#(nop) CMD ["sh"]'] },
    config: {
      ...legacyContainer,
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['sh'],
      Volumes: null,
      WorkingDir: '',
      Entrypoint: null,
      OnBuild: null,
      Labels: { base: 'yes' },
      Healthcheck: { Test: ['CMD', 'true'], Interval: 30_000_000_000, Unknown: 1 },
    },
  } as unknown as ImageConfig;
  const store = await DiskContentStore.open(root);
  await names.set('legacy:1', await writeImage(store, { config: legacy, layers: manifest.layers }));
}

describe('config keys of a base image that are not in the image spec', () => {
  it('are dropped as BuildKit drops them; the spec keys are kept', async () => {
    const root = await newRoot();
    await legacyBase(root);
    for (const dockerfile of ['FROM legacy:1\nENV A=1\n', 'FROM legacy:1\n']) {
      const { result } = await buildImage(root, writeContext({}), dockerfile);
      const config = readConfig(root, result.digest) as unknown as Record<string, unknown> & { config: Record<string, unknown> };
      expect(Object.keys(config).sort()).toEqual(['architecture', 'config', 'created', 'history', 'os', 'rootfs']);
      expect(Object.keys(config.config).sort()).toEqual(['Cmd', 'Env', 'Healthcheck', 'Labels']);
      expect(config.config.Healthcheck).toEqual({ Test: ['CMD', 'true'], Interval: 30_000_000_000 });
      expect(config.config.Labels).toEqual({ base: 'yes' });
      expect(config.config.Cmd).toEqual(['sh']);
    }
  }, 120_000);
});

// A busybox base image pushed to a test registry, so that several roots resolve it to one digest.
import path from 'node:path';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { importRootfs } from '../../src/oci/image-import.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { rootLayout } from '../../src/oci/root.js';
import { pushImage } from '../../src/registry/push.js';
import { makeBusyboxRootfs } from './busybox.js';
import type { TestRegistry } from './registry-server.js';

/** Makes busybox in a seed root under `work` and pushes it as `<registry>/library/busybox:1`; returns that name. */
export async function pushBusyboxBase(registry: TestRegistry, work: string): Promise<string> {
  const seedRoot = path.join(work, 'seed');
  const rootfs = path.join(work, 'rootfs');
  await makeBusyboxRootfs(rootfs);
  const store = await DiskContentStore.open(seedRoot);
  const base = `${registry.host}/library/busybox:1`;
  await new ImageNames(rootLayout(seedRoot)).set(base, await importRootfs(store, rootfs));
  await pushImage(base, { store, names: new ImageNames(rootLayout(seedRoot)) });
  return base;
}

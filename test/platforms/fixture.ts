// The multi-platform fixture of DESIGN.md: busybox rootfs for amd64 and arm64 imported by tsbuild
// and pushed to a real test registry as one `busybox:latest` OCI index.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { importRootfs } from '../../src/oci/image-import.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { writeIndex } from '../../src/oci/image.js';
import { rootLayout } from '../../src/oci/root.js';
import type { Descriptor } from '../../src/spec/types.js';
import { pushImage } from '../../src/registry/push.js';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';

/** Fixed epoch so the base images are byte-for-byte reproducible. */
const EPOCH = 1_700_000_000;

export interface PlatformFixture {
  registry: TestRegistry;
  /** `127.0.0.1:<port>/library/busybox:latest`: the two-platform index. */
  busybox: string;
  /** The pushed index's descriptor. */
  index: Descriptor;
  /** The root the fixture was built in; also holds the index under `busybox`. */
  seedRoot: string;
  /** Makes a temp dir removed by `dispose`. */
  tempDir(prefix?: string): string;
  dispose(): Promise<void>;
}

export async function startPlatformFixture(): Promise<PlatformFixture> {
  const dirs: string[] = [];
  const tempDir = (prefix = 'tsbuild-platforms-') => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  const registry = await startRegistry();
  const seedRoot = tempDir('tsbuild-platforms-seed-');
  const store = await DiskContentStore.open(seedRoot);
  const manifests: Descriptor[] = [];
  for (const architecture of ['amd64', 'arm64'] as const) {
    const rootfs = tempDir(`tsbuild-busybox-${architecture}-`);
    await makeBusyboxRootfs(rootfs, architecture);
    manifests.push(await importRootfs(store, rootfs, { platform: { os: 'linux', architecture }, layer: { sourceDateEpoch: EPOCH } }));
  }
  const index = await writeIndex(store, manifests);
  const busybox = `${registry.host}/library/busybox:latest`;
  const names = new ImageNames(rootLayout(seedRoot));
  await names.set(busybox, index);
  await pushImage(busybox, { store, names });
  return {
    registry,
    busybox,
    index,
    seedRoot,
    tempDir,
    async dispose() {
      await registry.stop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

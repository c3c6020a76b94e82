// Docker's volume copy-up: a fresh anonymous volume starts with what the image has at its path
// (contents, owner and mode), read through a read-only view of the image's snapshots.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { TsbuildError } from '../errors.js';
import type { SnapshotStore } from '../snapshots/index.js';
import type { Digest } from '../oci/index.js';
import type { AnonymousVolume } from '../container/mounts.js';
import { resolveInRoot } from '../container/path-in-root.js';

export function copyImageContent(snapshots: SnapshotStore, chainIds: readonly Digest[], volumes: readonly AnonymousVolume[]): void {
  if (volumes.length === 0 || chainIds.length === 0) return;
  const view = snapshots.prepareRootfs(chainIds, { writable: false });
  try {
    for (const volume of volumes) {
      const source = resolveInRoot(view.rootfs, volume.target);
      if (source === undefined || !statSync(source).isDirectory()) continue;
      // `src/.` copies the directory's own owner and mode onto the volume root too.
      const result = spawnSync('cp', ['-a', `${source}/.`, `${volume.dir}/`], { encoding: 'utf8' });
      if (result.error || result.status !== 0) {
        const detail = result.error?.message ?? result.stderr.trim();
        throw new TsbuildError('STORE', `cannot copy the image's ${volume.target} into its volume: ${detail}`, { cause: result.error });
      }
    }
  } finally {
    view.cleanup();
  }
}

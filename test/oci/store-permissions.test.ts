// Issue 9 item 11: another local user must not read the store: a root-only file of a built layer
// was readable through the layer blob (0644 under 0755 dirs) and the unpacked snapshot. The root
// dir is 0710 for root (like Docker's /var/lib/docker) and 0700 for a rootless store.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, readManifest, removeTempDirs, tempDir, writeContext } from '../build/helpers.js';
import { chainIds } from '../../src/oci/chain-id.js';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import type { Digest } from '../../src/spec/types.js';

afterAll(() => removeTempDirs());

/** A path under a world-traversable parent, as /var/lib is: only the store's own modes protect it. */
function openParent(): string {
  const parent = tempDir('tsbuild-perm-');
  chmodSync(parent, 0o755);
  return parent;
}

/** Reads `file` as the unprivileged user nobody; returns its stderr and status. */
function readAsNobody(file: string): { status: number | null; stderr: string } {
  const result = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'cat', file], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('store permissions', () => {
  let root: string;
  let layerBlob: string;
  let snapshotFile: string;

  beforeAll(async () => {
    root = join(openParent(), 'root');
    const context = writeContext({ secret: { content: 'root only\n', mode: 0o600 } });
    const { result } = await buildImage(root, context, 'FROM scratch\nCOPY secret /secret\n', { outputs: [{ type: 'image', push: false }] });
    const manifest = readManifest(root, result.digest);
    const layer = manifest.layers[0]!;
    layerBlob = join(root, 'blobs', 'sha256', layer.digest.slice(7));
    const config = JSON.parse(spawnSync('cat', [join(root, 'blobs', 'sha256', manifest.config.digest.slice(7))], { encoding: 'utf8' }).stdout) as { rootfs: { diff_ids: Digest[] } };
    snapshotFile = join(root, 'snapshots', chainIds(config.rootfs.diff_ids).at(-1)!.slice(7), 'fs', 'secret');
    expect(statSync(snapshotFile).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('the layer blob holding a root-only file cannot be read by another user', () => {
    const read = readAsNobody(layerBlob);
    expect(read.status).not.toBe(0);
    expect(read.stderr).toMatch(/Permission denied/);
  });

  it('nor can anything else under the root (snapshots, names)', () => {
    for (const file of [join(root, 'images', 'index.json'), snapshotFile]) {
      const read = readAsNobody(file);
      expect(read.status, file).not.toBe(0);
      expect(read.stderr).toMatch(/Permission denied/);
    }
  });

  it('a new root is 0710 for root', () => {
    expect(statSync(root).mode & 0o777).toBe(0o710);
  });

  it('an existing, world-readable root is tightened when opened', async () => {
    const existing = join(openParent(), 'old-root');
    mkdirSync(join(existing, 'blobs', 'sha256'), { recursive: true, mode: 0o755 });
    chmodSync(existing, 0o755);
    await DiskContentStore.open(existing);
    expect(statSync(existing).mode & 0o777).toBe(0o710);
  });
});

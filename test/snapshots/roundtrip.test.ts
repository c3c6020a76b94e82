// Round trip with the real layer writer: busybox layer -> snapshot -> change (overlay and copy) -> diff layer.
import { chmodSync, lstatSync, mkdtempSync, existsSync, readFileSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveChown } from '../../src/executor/chown-lookup.js';
import { copyFiles } from '../../src/executor/copy-files.js';
import { chainIds, SnapshotStore, type PreparedRootfs } from '../../src/snapshots/store.js';
import { removeView } from '../../src/snapshots/prepare-overlay.js';
import { writeLayer } from '../../src/oci/layer.js';
import { MemoryContentStore } from '../../src/oci/memory-store.js';
import type { Digest } from '../../src/spec/types.js';
import { makeBusyboxRootfs } from '../helpers/busybox.js';

const EPOCH = 1_600_000_000;
let root: string;
const views: PreparedRootfs[] = [];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'snapshots-roundtrip-'));
});
afterEach(() => {
  for (const view of views.splice(0)) view.cleanup();
  removeView(root);
});

/** A COPY with --chown by name, a deletion, a chmod and a new directory, made on a rootfs. */
function change(rootfs: string, context: string): void {
  copyFiles({ rootfs, sources: [{ kind: 'path', root: context, relPath: 'app.conf' }], dest: '/srv/app/', chown: resolveChown(rootfs, 'daemon') });
  unlinkSync(join(rootfs, 'bin/vi'));
  chmodSync(join(rootfs, 'etc/passwd'), 0o600);
  mkdirSync(join(rootfs, 'var/cache/x'), { recursive: true });
}

describe('snapshot round trip with writeLayer', () => {
  it('overlay and copy fallback produce the same diff layer, and it applies on top', async () => {
    const blobs = new MemoryContentStore();
    const base = join(root, 'busybox');
    await makeBusyboxRootfs(base);
    const context = join(root, 'context');
    mkdirSync(context);
    writeFileSync(join(context, 'app.conf'), 'port=80\n');
    const baseLayer = await writeLayer(blobs, { dir: base, mode: 'plain' }, { sourceDateEpoch: EPOCH });
    const store = new SnapshotStore(join(root, 'state'));
    await store.ensureLayer(baseLayer.diffId, baseLayer.diffId, () => blobs.open(baseLayer.descriptor.digest));

    const diffIds: Digest[] = [];
    for (const forceCopy of [false, true]) {
      const kindStore = new SnapshotStore(join(root, 'state'), { forceCopy });
      const view = kindStore.prepareRootfs([baseLayer.diffId], { writable: true });
      views.push(view);
      expect(view.kind).toBe(forceCopy ? 'copy' : 'overlay');
      change(view.rootfs, context);
      const diff = kindStore.diffRootfs(view);
      const layer = await writeLayer(blobs, { dir: diff, mode: 'overlay' }, { sourceDateEpoch: EPOCH });
      diffIds.push(layer.diffId);
      if (!forceCopy) {
        const [, top] = chainIds([baseLayer.diffId, layer.diffId]) as [Digest, Digest];
        await store.ensureLayer(top, layer.diffId, () => blobs.open(layer.descriptor.digest));
        const result = store.prepareRootfs([baseLayer.diffId, top], { writable: false });
        views.push(result);
        expect(existsSync(join(result.rootfs, 'bin/vi'))).toBe(false);
        expect(existsSync(join(result.rootfs, 'bin/ls'))).toBe(true);
        expect(lstatSync(join(result.rootfs, 'etc/passwd')).mode & 0o777).toBe(0o600);
        const conf = lstatSync(join(result.rootfs, 'srv/app/app.conf'));
        expect([readFileSync(join(result.rootfs, 'srv/app/app.conf'), 'utf8'), conf.uid, conf.gid]).toEqual(['port=80\n', 1, 1]);
        expect(lstatSync(join(result.rootfs, 'srv/app')).uid).toBe(1);
        expect(lstatSync(join(result.rootfs, 'var/cache/x')).isDirectory()).toBe(true);
      }
    }
    expect(diffIds[1]).toBe(diffIds[0]);
  });
});

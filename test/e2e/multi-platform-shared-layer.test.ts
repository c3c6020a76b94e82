// Issue 9 item 22: two platforms whose images share a layer compress it for push and for an OCI
// archive at the same moment; on a fresh root that raced on the memo file's temp name. Repeated on
// fresh roots because the race did not lose every time.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, removeTempDirs, tempDir, writeContext } from '../build/helpers.js';
import type { ImageIndex } from '../../src/spec/types.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';

let registry: TestRegistry;
beforeAll(async () => {
  registry = await startRegistry();
}, 60_000);
afterAll(async () => {
  await registry?.stop();
  removeTempDirs();
});

// No RUN: nothing needs an arm64 emulator, and both platforms produce the very same COPY layer.
const DOCKERFILE = 'FROM scratch\nCOPY data /data\nCOPY more /more\n';

describe('multi-platform export of a shared layer on a fresh root', () => {
  it('pushes and writes an OCI archive every time', async () => {
    const context = writeContext({ data: 'x'.repeat(3 << 20), more: 'shared\n' });
    for (let attempt = 0; attempt < 5; attempt++) {
      const root = tempDir('tsbuild-shared-layer-root-');
      const archive = join(tempDir(), 'image.tar');
      const name = `${registry.host}/shared/layer:try${attempt}`;
      const { result } = await buildImage(root, context, DOCKERFILE, {
        platforms: ['linux/amd64', 'linux/arm64'],
        tags: [name],
        outputs: [{ type: 'oci', dest: archive, tar: true }, { type: 'image', push: true }],
      });
      expect(result.digest).toMatch(/^sha256:/);
      const pushed = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${name}`], { encoding: 'utf8' })) as ImageIndex;
      expect(pushed.manifests.map((m) => m.platform?.architecture).sort()).toEqual(['amd64', 'arm64']);
      const layout = mkdtempSync(join(tmpdir(), 'tsbuild-shared-layer-oci-'));
      try {
        execFileSync('tar', ['-xf', archive, '-C', layout]);
        execFileSync('skopeo', ['inspect', '--raw', `oci:${layout}`], { encoding: 'utf8' });
      } finally {
        rmSync(layout, { recursive: true, force: true });
      }
    }
  }, 120_000);
});

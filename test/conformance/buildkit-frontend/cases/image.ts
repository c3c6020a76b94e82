// Ported from moby/buildkit frontend/dockerfile/dockerfile_image_test.go: images built FROM
// scratch, and an OCI layout export under two names. What the Go tests read from containerd's
// image store is read from the build's result (or the layout written).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../build/helpers.js';
import type { FrontendCase } from '../case.js';
import { buildFirst, buildImageAs } from './namedcontext.js';

const source = 'dockerfile_image_test.go';

interface LayoutIndex {
  manifests: { digest: string; mediaType: string; size: number; platform?: unknown; annotations?: Record<string, string> }[];
}

/** testOCILayoutMultiname's index, read back from the directory and the tar layouts. */
const multinameIndexes: LayoutIndex[] = [];

function validateMultinameIndex(index: LayoutIndex): void {
  const [a, b] = index.manifests;
  assert.equal(index.manifests.length, 2);
  assert.ok(a && b);
  assert.equal(a.digest, b.digest);
  assert.deepEqual(a.platform, b.platform);
  assert.equal(a.mediaType, b.mediaType);
  assert.equal(a.size, b.size);
  assert.equal(a.annotations?.['io.containerd.image.name'], 'docker.io/org/repo:tag1');
  assert.equal(b.annotations?.['io.containerd.image.name'], 'docker.io/org/repo:tag2');
  assert.equal(a.annotations?.['org.opencontainers.image.ref.name'], 'tag1');
  assert.equal(b.annotations?.['org.opencontainers.image.ref.name'], 'tag2');
}

const MULTINAME = 'FROM scratch\nCOPY <<EOF /foo\nhello\nEOF\n';

export const imageCases: FrontendCase[] = [
  {
    // The Go test's last part mounts the image with raw LLB (no Dockerfile form): not ported.
    name: 'testPullScratch',
    source,
    prepare: async (root) => {
      await buildImageAs(root, 'docker.io/moby/testpullscratch:latest', 'FROM scratch\nLABEL foo=bar\n');
      return { options: {}, dispose: () => Promise.resolve() };
    },
    files: { foo: 'foo-contents' },
    dockerfile: 'FROM docker.io/moby/testpullscratch:latest\nLABEL bar=baz\nCOPY foo .\n',
    verify(outcome) {
      const config = outcome.config;
      assert.equal(config?.rootfs.type, 'layers');
      assert.equal(config?.rootfs.diff_ids.length, 1);
      assert.equal(config?.config?.Labels?.foo, 'bar');
      assert.equal(config?.config?.Labels?.bar, 'baz');
    },
  },
  {
    name: 'testDockerfileScratchConfig',
    source,
    dockerfile: 'FROM scratch\nENV foo=bar\n',
    verify(outcome) {
      const config = outcome.config;
      assert.ok(config);
      assert.notEqual(config.os, '');
      assert.notEqual(config.architecture, '');
      assert.notEqual(config.config?.WorkingDir ?? '', '');
      assert.equal(config.rootfs.type, 'layers');
      assert.equal(config.rootfs.diff_ids.length, 0);
      assert.equal(config.history?.length, 1);
      assert.match(config.history?.[0]?.created_by ?? '', /ENV foo=bar/);
      assert.equal(config.history?.[0]?.empty_layer, true);
      assert.ok(config.config?.Env?.includes('foo=bar'));
      assert.ok(config.config?.Env?.some((env) => env.startsWith('PATH=')));
    },
  },
  {
    // moby/buildkit#5572
    name: 'testOCILayoutMultiname',
    source,
    prepare: async (root) => {
      const dir = join(tempDir('tsbuild-bkfe-multiname-'), 'oci');
      const names = ['org/repo:tag1', 'org/repo:tag2'];
      await buildFirst(root, MULTINAME, [{ type: 'oci', dest: dir, tar: false }], { tags: names });
      multinameIndexes.push(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as LayoutIndex);
      const tarball = join(tempDir('tsbuild-bkfe-multiname-'), 'oci.tar');
      await buildFirst(root, MULTINAME, [{ type: 'oci', dest: tarball, tar: true }], { tags: names });
      const { execFileSync } = await import('node:child_process');
      multinameIndexes.push(JSON.parse(execFileSync('tar', ['-xOf', tarball, 'index.json'], { encoding: 'utf8' })) as LayoutIndex);
      return { options: {}, dispose: () => Promise.resolve() };
    },
    dockerfile: MULTINAME,
    verify() {
      assert.equal(multinameIndexes.length, 2);
      for (const index of multinameIndexes) validateMultinameIndex(index);
    },
  },
];

// From moby/buildkit frontend/dockerfile/dockerfile_cmd_test.go: the default shell and PATH of a
// linux and a windows image built from scratch in one build (an OCI layout, read back).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../build/helpers.js';
import type { FrontendCase } from '../case.js';
import { buildFirst } from './namedcontext.js';

const DOCKERFILE = 'FROM scratch\nENTRYPOINT foo bar\nCOPY Dockerfile .\n';
const PLATFORMS = ['windows/amd64', 'linux/amd64'];
let layout = '';

interface Doc {
  manifests?: { digest: string; platform?: { os: string; architecture: string } }[];
  layers?: unknown[];
  config?: { digest: string } & Record<string, unknown>;
}

export const cmdCases: FrontendCase[] = [
  {
    name: 'testDefaultShellAndPath',
    source: 'dockerfile_cmd_test.go',
    prepare: async (root) => {
      layout = join(tempDir('tsbuild-bkfe-shell-'), 'oci');
      await buildFirst(root, DOCKERFILE, [{ type: 'oci', dest: layout, tar: false }], { platforms: PLATFORMS });
      return { options: {}, dispose: () => Promise.resolve() };
    },
    dockerfile: DOCKERFILE,
    options: { platforms: PLATFORMS },
    verify() {
      const blob = (digest: string) => JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', digest.slice(7)), 'utf8')) as Doc;
      const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as Doc;
      const index = blob(top.manifests?.[0]?.digest ?? '');
      assert.equal(index.manifests?.length, 2);
      const expected = [
        // BuildKit sets no PATH on Windows (moby/buildkit#5445).
        { p: 'windows/amd64', entrypoint: ['cmd', '/S', '/C', 'foo bar'], env: undefined },
        { p: 'linux/amd64', entrypoint: ['/bin/sh', '-c', 'foo bar'], env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      ];
      expected.forEach((exp, i) => {
        const entry = index.manifests?.[i];
        assert.equal(`${entry?.platform?.os}/${entry?.platform?.architecture}`, exp.p);
        const manifest = blob(entry?.digest ?? '');
        assert.equal(manifest.layers?.length, 1, exp.p);
        const image = blob(manifest.config?.digest ?? '') as { config?: { Entrypoint?: string[]; Env?: string[] } };
        assert.deepEqual(image.config?.Entrypoint, exp.entrypoint, exp.p);
        assert.deepEqual(image.config?.Env, exp.env, exp.p);
      });
    },
  },
];

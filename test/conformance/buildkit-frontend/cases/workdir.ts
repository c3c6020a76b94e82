// From moby/buildkit frontend/dockerfile/dockerfile_workdir_test.go: WORKDIR with SOURCE_DATE_EPOCH
// gives the same image when rebuilt without cache (the Go test prunes the cache and waits 3 s; a
// --no-cache rebuild runs every step again, and two rebuilds a second apart are not waited for).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../build/helpers.js';
import type { FrontendCase } from '../case.js';
import { buildFirst } from './namedcontext.js';

const DOCKERFILE = 'FROM alpine\nWORKDIR /mydir\n';
const EPOCH = String(Date.UTC(2023, 0, 10, 15, 34, 56) / 1000);
const indexes: string[] = [];

export const workdirCases: FrontendCase[] = [
  {
    name: 'testWorkdirSourceDateEpochReproducible',
    source: 'dockerfile_workdir_test.go',
    prepare: async (root) => {
      for (const noCache of [false, true]) {
        const dest = join(tempDir('tsbuild-bkfe-workdir-'), 'oci');
        await buildFirst(root, DOCKERFILE, [{ type: 'oci', dest, tar: false }], { buildArgs: { SOURCE_DATE_EPOCH: EPOCH }, noCache });
        indexes.push(readFileSync(join(dest, 'index.json'), 'utf8'));
      }
      return { options: {}, dispose: () => Promise.resolve() };
    },
    dockerfile: DOCKERFILE,
    options: { buildArgs: { SOURCE_DATE_EPOCH: EPOCH } },
    verify() {
      assert.equal(indexes.length, 2);
      assert.equal(indexes[1], indexes[0]);
    },
  },
];

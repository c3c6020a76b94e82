// dockerfile_namedcontext_test.go and testOnBuildNamedContext (dockerfile_onbuild_test.go):
// `--build-context` images, directories and OCI layouts. What the Go tests push to a registry
// first is built into the case's root (docker-image:// names resolve there first); what they
// export as an OCI layout is exported to a layout directory.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../../../../src/executor/build.js';
import type { OutputSpec } from '../../../../src/executor/options.js';
import { tempDir, writeContext } from '../../../build/helpers.js';
import type { CaseOptions, FrontendCase, Prepared } from '../case.js';

/** Builds `dockerfile` (empty context) in `root` to `outputs`. */
export async function buildFirst(root: string, dockerfile: string, outputs: OutputSpec[], options: CaseOptions = {}): Promise<void> {
  const context = writeContext({});
  writeFileSync(join(context, 'Dockerfile'), dockerfile);
  await build({ context, root, runtime: 'builtin', ...options, outputs });
}

/** Builds `dockerfile` into `root`'s image store as `tag`. */
export function buildImageAs(root: string, tag: string, dockerfile: string, options: CaseOptions = {}): Promise<void> {
  return buildFirst(root, dockerfile, [{ type: 'image', push: false, names: [tag] }], options);
}

/** Builds `dockerfile` into an OCI layout directory; returns it and its one manifest's digest. */
async function buildLayout(root: string, dockerfile: string): Promise<{ layout: string; digest: string }> {
  const layout = join(tempDir('tsbuild-bkfe-layout-'), 'oci');
  await buildFirst(root, dockerfile, [{ type: 'oci', dest: layout, tar: false }]);
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  assert.equal(index.manifests.length, 1);
  return { layout, digest: index.manifests[0]!.digest };
}

const prepared = (options: CaseOptions): Prepared => ({ options, dispose: () => Promise.resolve() });

/** `alpine:latest` of the Go tests, told apart from busybox by its /etc/alpine-release. */
export const ALPINE = 'FROM busybox\nRUN echo 3.99.0 > /etc/alpine-release\n';

/** The image the second half of testNamedImageContext pushes: alpine with custom envs. */
const CUSTOM_ENVS = 'FROM alpine:latest\nENV PATH=/foobar:$PATH\nENV FOOBAR=foobar\n';

export const namedContextCases: FrontendCase[] = [
  {
    name: 'testNamedImageContext/image',
    source: 'dockerfile_namedcontext_test.go',
    prepare: async (root) => {
      await buildImageAs(root, 'alpine:latest', ALPINE);
      return prepared({ buildContexts: { busybox: { image: 'alpine' } } });
    },
    dockerfile: 'FROM busybox AS base\nRUN cat /etc/alpine-release > /out\nFROM scratch\nCOPY --from=base /out /\n',
    exported: { out: /^3\.99\.0/ },
  },
  {
    name: 'testNamedImageContext/custom-envs',
    source: 'dockerfile_namedcontext_test.go',
    prepare: async (root) => {
      await buildImageAs(root, 'alpine:latest', ALPINE);
      await buildImageAs(root, 'localhost:5000/buildkit/testnamedimagecontext:latest', CUSTOM_ENVS);
      return prepared({ buildContexts: { busybox: { image: 'localhost:5000/buildkit/testnamedimagecontext:latest' } } });
    },
    dockerfile: [
      'FROM busybox AS base',
      'RUN cat /etc/alpine-release > /out',
      'RUN env | grep PATH > /env_path',
      'RUN env | grep FOOBAR > /env_foobar',
      'FROM scratch',
      'COPY --from=base /out /',
      'COPY --from=base /env_path /',
      'COPY --from=base /env_foobar /',
    ].join('\n'),
    exported: { out: /^3\.99\.0/, env_foobar: 'FOOBAR=foobar\n', env_path: /\/foobar:/ },
  },
  {
    // moby/buildkit#5578: replacing a stage that is based on another stage.
    name: 'testNamedImageContext/stage-on-stage',
    source: 'dockerfile_namedcontext_test.go',
    prepare: async (root) => {
      await buildImageAs(root, 'alpine:latest', ALPINE);
      await buildImageAs(root, 'localhost:5000/buildkit/testnamedimagecontext:latest', CUSTOM_ENVS);
      return prepared({ buildContexts: { base: { image: 'localhost:5000/buildkit/testnamedimagecontext:latest' } } });
    },
    dockerfile: 'FROM busybox AS parent\nFROM parent AS base\nRUN echo base > /out\nFROM base\nRUN [ -f /etc/alpine-release ]\nRUN [ ! -f /out ]\n',
  },
  {
    name: 'testNamedImageContextPlatform',
    source: 'dockerfile_namedcontext_test.go',
    prepare: async (root) => {
      await buildImageAs(root, 'localhost:5000/buildkit/testnamedimagecontextplatform:latest', 'FROM --platform=$BUILDPLATFORM alpine:latest\n', {
        buildArgs: { BUILDKIT_MULTI_PLATFORM: 'true' },
      });
      return prepared({ buildContexts: { busybox: { image: 'localhost:5000/buildkit/testnamedimagecontextplatform:latest' } }, platforms: ['darwin/ppc64le'] });
    },
    dockerfile: 'FROM --platform=$BUILDPLATFORM busybox AS target\nRUN echo hello\n',
  },
  {
    name: 'testNamedImageContextScratch',
    source: 'dockerfile_namedcontext_test.go',
    options: { buildContexts: { busybox: { image: 'scratch' } } },
    dockerfile: 'FROM busybox AS build\nCOPY <<EOF /out\nhello world!\nEOF\n',
    exported: { out: 'hello world!\n' },
  },
  {
    name: 'testNamedLocalContext',
    source: 'dockerfile_namedcontext_test.go',
    prepare: () => Promise.resolve(prepared({
      buildContexts: { base: { dir: writeContext({ out: 'dummy-result', out2: 'dummy-result', '.dockerignore': 'out2\n' }) } },
    })),
    dockerfile: 'FROM busybox AS base\nRUN cat /etc/alpine-release > /out\nFROM scratch\nCOPY --from=base /o* /\n',
    exported: { out: 'dummy-result', out2: null },
  },
  {
    name: 'testNamedOCILayoutContext',
    source: 'dockerfile_namedcontext_test.go',
    prepare: async (root) => {
      const { layout, digest } = await buildLayout(root, 'FROM busybox:latest\nWORKDIR /test\nRUN sh -c "echo -n first > out"\nRUN sh -c "echo -n second > out2"\nENV foo=bar\n');
      return prepared({ buildContexts: { base: { ociLayout: layout, digest }, foo: { ociLayout: layout, digest } } });
    },
    dockerfile: 'FROM busybox AS base\nRUN cat /etc/alpine-release > out\n\nFROM foo AS imported\nRUN echo -n $foo > outfoo\n\nFROM scratch\nCOPY --from=base /test/o* /\nCOPY --from=imported /test/outfoo /\n',
    exported: { out: 'first', out2: 'second', outfoo: 'bar' },
  },
  {
    name: 'testNamedOCILayoutContextExport',
    source: 'dockerfile_namedcontext_test.go',
    prepare: async (root) => {
      const { layout, digest } = await buildLayout(root, 'FROM scratch\nWORKDIR /test\nENV foo=bar\n');
      return prepared({ buildContexts: { nonexistent: { ociLayout: layout, digest } } });
    },
    dockerfile: 'FROM nonexistent AS base\n',
    verify(outcome) {
      assert.equal(outcome.config?.config?.WorkingDir, '/test');
      assert.ok(outcome.config?.config?.Env?.includes('foo=bar'), `Env: ${JSON.stringify(outcome.config?.config?.Env)}`);
    },
  },
  {
    // Contexts of stages the target does not reach are never loaded.
    name: 'testEagerNamedContextLookup',
    source: 'dockerfile_namedcontext_test.go',
    options: {
      buildContexts: {
        notused: { image: 'docker.io/library/nosuchimage:latest' },
        busybox: { image: 'docker.io/library/dontexist:latest' },
      },
    },
    dockerfile: 'FROM broken AS notused\n\nFROM alpine AS base\nRUN echo "base" > /foo\n\nFROM busybox AS otherstage\n\nFROM scratch\nCOPY --from=base /foo /foo\n',
    exported: { foo: 'base\n' },
  },
  {
    name: 'testOnBuildNamedContext',
    source: 'dockerfile_onbuild_test.go',
    prepare: async (root) => {
      const { layout, digest } = await buildLayout(root, 'FROM busybox:latest\nONBUILD COPY --from=otherstage /testfile /out/foo\n');
      return prepared({ buildContexts: { base: { ociLayout: layout, digest } } });
    },
    dockerfile: 'FROM alpine AS otherstage\nRUN echo -n "hello" > /testfile\n\nFROM base AS inputstage\n\nFROM scratch\nCOPY --from=inputstage /out/foo /bar\n',
    exported: { bar: 'hello' },
  },
];

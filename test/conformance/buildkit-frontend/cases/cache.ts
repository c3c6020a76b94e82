// Ported from moby/buildkit frontend/dockerfile/dockerfile_cache_test.go against tsbuild's own
// cache exports and imports: a real registry (test/helpers/registry-server.ts) and local cache
// directories. BuildKit's `ensurePruneAll` is a build in a fresh root (`freshRoot`: only the base
// images); the assertions are the Go tests' behaviour (hits after an import, equal image IDs),
// not BuildKit's cache format: testImageManifestCacheImportExport checks that the exported cache
// is an OCI image manifest whose config is a cache config (tsbuild's, not BuildKit's
// `application/vnd.buildkit.cacheconfig.v0`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputSpec } from '../../../../src/executor/options.js';
import { tempDir } from '../../../build/helpers.js';
import { startRegistry } from '../../../helpers/registry-server.js';
import type { BuildOutcome, FrontendCase, Prepared, Vars } from '../case.js';

const source = 'dockerfile_cache_test.go';

/** A registry (var REGISTRY, `127.0.0.1:port`) and a local cache directory (var CACHE). */
async function registryAndCacheDir(): Promise<Prepared> {
  const registry = await startRegistry();
  return { options: {}, vars: { REGISTRY: registry.host, CACHE: join(tempDir('tsbuild-bkfe-cache-'), 'cache') }, dispose: () => registry.stop() };
}

const read = (outcome: BuildOutcome, path: string) => readFileSync(join(outcome.dest, path), 'utf8');

function succeeded(outcome: BuildOutcome | undefined, which: string): asserts outcome is BuildOutcome {
  assert.ok(outcome && !outcome.error, `${which} build failed: ${outcome?.error?.message}`);
}

const importExportDockerfile = [
  'FROM busybox AS base', 'COPY foo const', '#RUN echo -n foobar > const', 'RUN cat /dev/urandom | head -c 100 | sha256sum > unique',
  'FROM scratch', 'COPY --from=base const /', 'COPY --from=base unique /', '',
].join('\n');

/** testCacheImportExport and testImageManifestCacheImportExport: export to a registry, import it in a fresh root. */
function registryImportExport(name: string, checkCacheManifest: boolean): FrontendCase {
  const ref = (vars: Vars) => `${vars.REGISTRY}/buildkit/testexportdf:latest`;
  return {
    name,
    source,
    prepare: registryAndCacheDir,
    dockerfile: importExportDockerfile,
    files: { foo: 'foobar' },
    options: (vars) => ({ cacheTo: [{ location: { type: 'registry', ref: ref(vars) }, mode: 'min' }] }),
    exported: { const: 'foobar' },
    then: [{
      freshRoot: true,
      dockerfile: importExportDockerfile,
      files: { foo: 'foobar' },
      options: (vars) => ({ cacheFrom: [{ type: 'registry', ref: ref(vars) }] }),
    }],
    async verify(first, [second], vars) {
      if (checkCacheManifest) {
        const response = await fetch(`http://${vars.REGISTRY}/v2/buildkit/testexportdf/manifests/latest`, {
          headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
        });
        assert.equal(response.status, 200);
        const manifest = await response.json() as { mediaType?: string; config?: { mediaType?: string } };
        assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
        assert.match(manifest.config?.mediaType ?? '', /cache\.config|cacheconfig/, `the cache manifest's config is ${manifest.config?.mediaType}`);
      }
      succeeded(second, 'second');
      assert.equal(read(second, 'const'), 'foobar');
      assert.equal(read(second, 'unique'), read(first, 'unique'), 'the imported cache was not used');
    },
  };
}

const multiPlatformDockerfile = [
  'FROM --platform=$BUILDPLATFORM busybox AS base', 'ARG TARGETARCH',
  'RUN echo -n $TARGETARCH> arch && cat /dev/urandom | head -c 100 | sha256sum > unique',
  'FROM scratch', 'COPY --from=base unique /', 'COPY --from=base arch /', '',
].join('\n');
const multiPlatforms = ['linux/amd64', 'linux/arm/v7'];
const multiImage = (vars: Vars) => `${vars.REGISTRY}/buildkit/testexportdf:multi-img`;
/** The Go test reads the pushed image's layers; the same build also exported to a local directory. */
const pushAndLocal = (dest: string, vars: Vars): OutputSpec[] => [{ type: 'image', push: true, names: [multiImage(vars)] }, { type: 'local', dest }];
const rebuildFromInline = {
  freshRoot: true,
  dockerfile: multiPlatformDockerfile,
  outputs: pushAndLocal,
  options: (vars: Vars) => ({ platforms: multiPlatforms, cacheFrom: [{ type: 'registry' as const, ref: multiImage(vars) }], cacheTo: [{ location: { type: 'inline' as const }, mode: 'min' as const }] }),
};

const noCacheDockerfile = [
  'FROM busybox AS s0', 'RUN cat /dev/urandom | head -c 100 | sha256sum | tee unique',
  'FROM busybox AS s1', 'RUN cat /dev/urandom | head -c 100 | sha256sum | tee unique2',
  'FROM scratch', 'COPY --from=s0 unique /', 'COPY --from=s1 unique2 /', '',
].join('\n');

const cacheMountModeDockerfile = [
  'FROM busybox AS base', 'ARG FOO=abc', 'RUN --mount=type=cache,target=/cache,mode=0773 touch /cache/$FOO && ls -l /cache | wc -l > /out',
  'FROM scratch', 'COPY --from=base /out /', '',
].join('\n');

const reproducibleDockerfile = 'FROM busybox\nENV foo=bar\nCOPY foo /\nRUN echo bar > bar\n';

export const cacheCases: FrontendCase[] = [
  {
    name: 'testExportCacheLoop',
    source,
    prepare: registryAndCacheDir,
    dockerfile: [
      'FROM alpine as base', 'RUN echo aa > /foo', 'WORKDIR /bar', '',
      'FROM base as base1', 'COPY hello.txt .', '',
      'FROM base as base2', 'COPY --from=base1 /bar/hello.txt .', 'RUN true', '',
      'FROM scratch', 'COPY --from=base2 /foo /f', '',
    ].join('\n'),
    files: { 'hello.txt': 'hello' },
    options: (vars) => ({ cacheTo: [{ location: { type: 'local', dir: vars.CACHE! }, mode: 'min' }] }),
    then: [{
      freshRoot: true,
      dockerfile: [
        'FROM alpine as base', 'RUN echo aa > /foo', 'WORKDIR /bar', '',
        'FROM base as base1', 'COPY hello.txt .', '',
        'FROM base as base2', 'COPY --from=base1 /bar/hello.txt .', 'RUN true', '',
        'FROM scratch', 'COPY --from=base2 /foo /f', '',
      ].join('\n'),
      files: { 'hello.txt': 'hello' },
      options: (vars) => ({ cacheTo: [{ location: { type: 'local', dir: vars.CACHE! }, mode: 'min' }], cacheFrom: [{ type: 'local', dir: vars.CACHE! }] }),
    }],
    verify(_first, [second]) {
      succeeded(second, 'second');
      assert.equal(read(second, 'f'), 'aa\n');
    },
  },
  {
    name: 'testCacheMultiPlatformImportExport',
    source,
    prepare: registryAndCacheDir,
    dockerfile: multiPlatformDockerfile,
    outputs: pushAndLocal,
    options: { platforms: multiPlatforms, cacheTo: [{ location: { type: 'inline' }, mode: 'min' }] },
    then: [rebuildFromInline, rebuildFromInline],
    verify(first, later) {
      assert.equal(read(first, 'linux_amd64/arch'), 'amd64');
      const amd = read(first, 'linux_amd64/unique');
      const arm = read(first, 'linux_arm_v7/unique');
      assert.notEqual(amd, arm);
      for (const [i, rebuilt] of later.entries()) {
        succeeded(rebuilt, `rebuild ${i + 1}`);
        assert.equal(rebuilt.digest, first.digest, `rebuild ${i + 1}: the pushed index differs`);
        assert.equal(read(rebuilt, 'linux_arm_v7/arch'), 'arm');
        assert.equal(read(rebuilt, 'linux_amd64/unique'), amd);
        assert.equal(read(rebuilt, 'linux_arm_v7/unique'), arm);
      }
    },
  },
  registryImportExport('testImageManifestCacheImportExport', true),
  registryImportExport('testCacheImportExport', false),
  {
    name: 'testReproducibleIDs',
    source,
    dockerfile: reproducibleDockerfile,
    files: { foo: 'foo-contents' },
    outputs: () => [{ type: 'image', push: false, names: ['example.com/moby/dockerfileids:test'] }],
    then: [{ dockerfile: reproducibleDockerfile, files: { foo: 'foo-contents' }, outputs: () => [{ type: 'image', push: false, names: ['example.com/moby/dockerfileids2:test'] }] }],
    verify(first, [second]) {
      succeeded(second, 'second');
      assert.ok(first.digest);
      assert.equal(second.digest, first.digest);
    },
  },
  {
    name: 'testImportExportReproducibleIDs',
    source,
    prepare: registryAndCacheDir,
    dockerfile: reproducibleDockerfile,
    files: { foo: 'foobar' },
    outputs: () => [{ type: 'image', push: false, names: ['example.com/moby/dockerfileexpids:test'] }],
    options: (vars) => ({ cacheTo: [{ location: { type: 'registry', ref: `${vars.REGISTRY}/test/dockerfileexpids:cache` }, mode: 'min' }] }),
    then: [{
      freshRoot: true,
      dockerfile: reproducibleDockerfile,
      files: { foo: 'foobar' },
      outputs: () => [{ type: 'image', push: false, names: ['example.com/moby/dockerfileexpids2:test'] }],
      options: (vars) => ({
        cacheTo: [{ location: { type: 'registry', ref: `${vars.REGISTRY}/test/dockerfileexpids:cache` }, mode: 'min' }],
        cacheFrom: [{ type: 'registry', ref: `${vars.REGISTRY}/test/dockerfileexpids:cache` }],
      }),
    }],
    verify(first, [second]) {
      succeeded(second, 'second');
      assert.ok(first.digest);
      assert.equal(second.digest, first.digest);
    },
  },
  {
    name: 'testNoCache',
    source,
    dockerfile: noCacheDockerfile,
    then: [
      { dockerfile: noCacheDockerfile, options: { noCache: true } },
      { dockerfile: noCacheDockerfile, options: { noCacheFilter: ['s1'] } },
    ],
    verify(first, [second, third]) {
      succeeded(second, 'no-cache');
      succeeded(third, 'no-cache=s1');
      assert.notEqual(read(second, 'unique'), read(first, 'unique'));
      assert.notEqual(read(second, 'unique2'), read(first, 'unique2'));
      assert.equal(read(third, 'unique'), read(second, 'unique'));
      assert.notEqual(read(third, 'unique2'), read(first, 'unique2'));
    },
  },
  {
    name: 'testCacheMountModeNoCache',
    source,
    dockerfile: cacheMountModeDockerfile,
    exported: { out: '2\n' },
    then: [
      { dockerfile: cacheMountModeDockerfile, options: { noCache: true, buildArgs: { FOO: 'def' } } },
      { dockerfile: cacheMountModeDockerfile, options: { buildArgs: { FOO: 'ghi' } } },
    ],
    verify(_first, [second, third]) {
      succeeded(second, 'no-cache');
      assert.equal(read(second, 'out'), '2\n');
      succeeded(third, 'third');
      assert.equal(read(third, 'out'), '3\n');
    },
  },
  {
    name: 'testWildcardRenameCache',
    source,
    dockerfile: 'FROM alpine\nCOPY file* /files/\nRUN ls /files/file1\n',
    files: { file1: 'foo' },
    then: [{ dockerfile: 'FROM alpine\nCOPY file* /files/\nRUN ls /files/file1\n', files: { file2: 'foo' } }],
    verify(_first, [renamed]) {
      assert.ok(renamed?.error, 'the build after renaming file1 to file2 succeeded (a stale cache hit); BuildKit fails it');
    },
  },
];

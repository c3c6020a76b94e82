// Ported from moby/buildkit frontend/dockerfile/dockerfile_export_test.go: the tar and OCI
// exporters, multi-platform local exports, and tar contexts. BuildKit's upload provider (a tar
// context the client streams) is `tsbuild build -` with the tar on stdin; the Go test's
// `contextsubdir` of a tar context has no CLI form, so testTarContextExternalDockerfile serves the
// tar over HTTP (docker's tarball URL context) with the Dockerfile given as a local absolute `-f`,
// which buildx reads from the client, not from the tarball.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatPlatform } from '../../../../src/spec/platform.js';
import { tempDir } from '../../../build/helpers.js';
import type { FrontendCase } from '../case.js';
import { httpFiles } from '../session.js';
import { readTarToMap, tarOf } from './tar.js';

const source = 'dockerfile_export_test.go';

const tarOutput = (dest: string) => [{ type: 'tar' as const, dest: join(dest, 'out.tar') }];
const readOut = (dest: string) => readTarToMap(readFileSync(join(dest, 'out.tar')));
const text = (entries: Map<string, Buffer>, name: string) => entries.get(name)?.toString('utf8');

const multiTarDockerfile = 'FROM scratch AS stage-linux\nCOPY foo forlinux\n\nFROM scratch AS stage-darwin\nCOPY bar fordarwin\n\nFROM stage-$TARGETOS\n';
const exportMultiDockerfile = 'FROM scratch\nARG TARGETARCH\nARG TARGETPLATFORM\nLABEL target=$TARGETPLATFORM\nCOPY arch-$TARGETARCH whoami\n';
const archFiles = { 'arch-arm': 'i am arm', 'arch-amd64': 'i am amd64', 'arch-s390x': 'i am s390x', 'arch-ppc64le': 'i am ppc64le' };

interface Json { [key: string]: unknown }
const blob = (entries: Map<string, Buffer>, digest: string) => entries.get(`blobs/sha256/${digest.replace(/^sha256:/, '')}`);
const json = (data: Buffer | undefined) => JSON.parse(data?.toString('utf8') ?? 'null') as Json;

export const exportCases: FrontendCase[] = [
  {
    name: 'testTarExporterBasic',
    source,
    dockerfile: 'FROM scratch\nCOPY foo foo\n',
    files: { foo: 'data' },
    outputs: tarOutput,
    async verify(outcome) {
      assert.equal(text(await readOut(outcome.dest), 'foo'), 'data');
    },
  },
  {
    name: 'testTarExporterMulti',
    source,
    dockerfile: multiTarDockerfile,
    files: { foo: 'data', bar: 'data2' },
    outputs: tarOutput,
    then: [{ dockerfile: multiTarDockerfile, files: { foo: 'data', bar: 'data2' }, outputs: tarOutput, options: { platforms: ['linux/amd64', 'darwin/amd64'] } }],
    async verify(first, [multi]) {
      assert.equal(text(await readOut(first.dest), 'forlinux'), 'data');
      assert.ok(multi && !multi.error, `multi-platform build failed: ${multi?.error?.message}`);
      const entries = await readOut(multi.dest);
      assert.equal(text(entries, 'linux_amd64/forlinux'), 'data');
      assert.equal(text(entries, 'darwin_amd64/fordarwin'), 'data2');
    },
  },
  {
    name: 'testExportMultiPlatform',
    source,
    dockerfile: exportMultiDockerfile,
    files: archFiles,
    options: { platforms: ['windows/amd64', 'linux/arm', 'linux/s390x'] },
    exported: { 'windows_amd64/whoami': 'i am amd64', 'linux_arm_v7/whoami': 'i am arm', 'linux_s390x/whoami': 'i am s390x' },
    then: [{
      dockerfile: exportMultiDockerfile,
      files: archFiles,
      options: { platforms: ['windows/amd64', 'linux/arm/v6', 'linux/ppc64le'] },
      outputs: (dest) => [{ type: 'oci', dest: join(dest, 'out.tar'), tar: true }],
    }],
    async verify(_first, [oci]) {
      assert.ok(oci && !oci.error, `oci build failed: ${oci?.error?.message}`);
      const entries = await readOut(oci.dest);
      const top = json(entries.get('index.json')) as { manifests: { digest: string }[] };
      const index = json(blob(entries, top.manifests[0]!.digest)) as { manifests: { digest: string; platform: { os: string; architecture: string; variant?: string } }[] };
      assert.equal(index.manifests.length, 3);
      const expected = [
        { p: 'windows/amd64', os: 'windows', arch: 'amd64', dt: 'i am amd64' },
        { p: 'linux/arm/v6', os: 'linux', arch: 'arm', dt: 'i am arm' },
        { p: 'linux/ppc64le', os: 'linux', arch: 'ppc64le', dt: 'i am ppc64le' },
      ];
      for (const [i, exp] of expected.entries()) {
        const descriptor = index.manifests[i]!;
        assert.equal(formatPlatform(descriptor.platform), exp.p);
        const manifest = json(blob(entries, descriptor.digest)) as { layers: { digest: string }[]; config: { digest: string } };
        assert.equal(manifest.layers.length, 1, `${exp.p}: layers`);
        const layer = await readTarToMap(blob(entries, manifest.layers[0]!.digest)!, true);
        assert.equal(text(layer, 'whoami'), exp.dt, `${exp.p}: whoami`);
        const config = json(blob(entries, manifest.config.digest)) as { os: string; architecture: string; config: { Labels?: Record<string, string> } };
        assert.equal(config.os, exp.os);
        assert.equal(config.architecture, exp.arch);
        assert.equal(config.config.Labels?.target, exp.p);
      }
    },
  },
  {
    name: 'testTarContext',
    source,
    input: () => ({
      context: '-',
      stdin: tarOf([
        { name: 'Dockerfile', type: 'file', content: 'FROM scratch\nCOPY foo /\n', mode: 0o644 },
        { name: 'foo', type: 'file', content: 'contents', mode: 0o644 },
      ]),
    }),
    exported: { foo: 'contents' },
  },
  {
    name: 'testTarContextExternalDockerfile',
    source,
    prepare: async () => {
      const served = await httpFiles({ '/context.tar': tarOf([{ name: 'foo', type: 'file', content: 'contents', mode: 0o644 }]) });
      const dir = tempDir('tsbuild-bkfe-dockerfile-');
      writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY foo bar\n');
      return { ...served, vars: { URL: `http://127.0.0.1:${served.options.buildArgs!.PORT}/context.tar`, DOCKERFILE: join(dir, 'Dockerfile') } };
    },
    input: (vars) => ({ context: vars.URL!, file: vars.DOCKERFILE }),
    exported: { bar: 'contents' },
  },
];

// `--annotation` at each of BuildKit's levels, read back from an OCI layout and, after a push, from
// the registry with skopeo (the layers gzipped on the way keep every annotation).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAnnotationFlags } from '../../src/cli/build-flags.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';
import { buildImage, eventsOf, newRoot, readBlob, removeTempDirs, tempDir, writeContext } from './helpers.js';

interface Descriptor {
  digest: string;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string };
}
interface Index {
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

let registry: TestRegistry;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
  removeTempDirs();
});

const ANNOTATIONS = [
  'org.opencontainers.image.title=demo',
  'index:org.opencontainers.image.description=multi',
  'manifest[linux/arm64]:only.arm=yes',
  'manifest-descriptor,manifest:both=1',
  'index-descriptor:top=1',
];

describe('--annotation', () => {
  it('parses buildx\'s syntax and refuses what it does not know', () => {
    expect(parseAnnotationFlags(['index,manifest[linux/arm64]:a.b=c=d'])).toEqual([
      { level: 'index', key: 'a.b', value: 'c=d' },
      { level: 'manifest', key: 'a.b', value: 'c=d', platform: 'linux/arm64' },
    ]);
    expect(() => parseAnnotationFlags(['layer:k=v'])).toThrow(/unknown type "layer"/);
    expect(() => parseAnnotationFlags(['index[linux/amd64]:k=v'])).toThrow(/manifest levels only/);
    expect(() => parseAnnotationFlags(['novalue'])).toThrow(/expected \[TYPE:\]KEY=VALUE/);
  });

  it('puts each annotation at its level in an OCI layout and in a pushed index', async () => {
    const annotations = parseAnnotationFlags(ANNOTATIONS);
    const context = writeContext({ a: 'a\n' });
    const layout = join(tempDir('tsbuild-annot-'), 'layout');
    const name = `${registry.host}/demo/annotated:1`;
    await buildImage(await newRoot(), context, 'FROM scratch\nCOPY a /a\n', {
      platforms: ['linux/amd64', 'linux/arm64'], annotations, tags: [name],
      outputs: [{ type: 'oci', dest: layout, tar: false }, { type: 'image', push: true }], registry: { insecureRegistries: [registry.host] },
    });
    const blob = (digest: string) => JSON.parse(readFileSync(join(layout, 'blobs/sha256', digest.slice(7)), 'utf8'));
    const top = (JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as Index).manifests[0];
    expect(top.annotations).toMatchObject({ top: '1' });
    const check = (index: Index, manifestOf: (digest: string) => { annotations?: Record<string, string> }) => {
      expect(index.annotations).toEqual({ 'org.opencontainers.image.description': 'multi' });
      const byArch = Object.fromEntries(index.manifests.map((d) => [d.platform!.architecture, d]));
      expect(byArch.amd64.annotations).toEqual({ both: '1' });
      expect(manifestOf(byArch.amd64.digest).annotations).toEqual({ 'org.opencontainers.image.title': 'demo', both: '1' });
      expect(manifestOf(byArch.arm64.digest).annotations).toEqual({ 'org.opencontainers.image.title': 'demo', 'only.arm': 'yes', both: '1' });
    };
    check(blob(top.digest) as Index, blob);
    const skopeo = (ref: string) => JSON.parse(execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`], { encoding: 'utf8' }));
    check(skopeo(name) as Index, (digest) => skopeo(`${registry.host}/demo/annotated@${digest}`));
  }, 180_000);

  it('a multi-platform build with provenance lists each image, then an attestation manifest per image', async () => {
    const root = await newRoot();
    const { result } = await buildImage(root, writeContext({ a: 'a\n' }), 'FROM scratch\nCOPY a /a\n', {
      platforms: ['linux/amd64', 'linux/arm64'], attestations: [{ type: 'provenance', mode: 'min', version: 'v1' }],
      annotations: parseAnnotationFlags(['index:k=v']),
    });
    const index = JSON.parse(readBlob(root, result.digest).toString('utf8')) as Index;
    expect(index.annotations).toEqual({ k: 'v' });
    expect(index.manifests.map((d) => d.platform?.architecture)).toEqual(['amd64', 'arm64', 'unknown', 'unknown']);
    expect(index.manifests.slice(2).map((d) => d.annotations?.['vnd.docker.reference.digest'])).toEqual(index.manifests.slice(0, 2).map((d) => d.digest));
  });

  it('warns that index annotations need an index when the build writes one manifest', async () => {
    const { events } = await buildImage(await newRoot(), writeContext({ a: 'a\n' }), 'FROM scratch\nCOPY a /a\n', {
      annotations: parseAnnotationFlags(['index:k=v']),
    });
    expect(eventsOf(events, 'warning').map((w) => w.message)).toContainEqual(expect.stringMatching(/index and index-descriptor annotations apply to an index/));
  });
});

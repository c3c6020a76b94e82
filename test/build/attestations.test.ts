// Provenance attestations attached as BuildKit attaches them: read back from a real registry with
// skopeo and plain HTTP, from an OCI layout and from a local export; secrets stay out of them and
// two fresh roots with SOURCE_DATE_EPOCH write the same bytes.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load, save } from '../../src/api/index.js';
import { pushBusyboxBase } from '../helpers/registry-base.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';
import { EPOCH, buildImage, newRoot, removeTempDirs, tempDir, writeContext } from './helpers.js';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string };
}
interface Statement {
  _type: string;
  predicateType: string;
  subject: { name: string; digest: { sha256: string } }[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read field by field below
  predicate: any;
}

const SECRET_VALUE = 'attest-secret-value-7d1f';
const SECRET_ENV = 'TSBUILD_ATTEST_SECRET_SOURCE';

let registry: TestRegistry;
let base: string;
beforeAll(async () => {
  registry = await startRegistry();
  base = await pushBusyboxBase(registry, tempDir('tsbuild-attest-base-'));
}, 120_000);
afterAll(async () => {
  await registry?.stop();
  removeTempDirs();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- typed by each caller
function skopeoRaw(reference: string): { bytes: Buffer; json: any } {
  const bytes = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reference}`]);
  return { bytes, json: JSON.parse(bytes.toString('utf8')) };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function registryBlob(repository: string, digest: string): Promise<Buffer> {
  const response = await fetch(`${registry.url}/v2/${repository}/blobs/${digest}`);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

const DOCKERFILE = (from: string) => [
  `FROM ${from}`,
  'ARG GREETING',
  'RUN --mount=type=secret,id=tok,env=TOKEN test -n "$TOKEN" && echo "$GREETING" > /greeting',
].join('\n');

describe('provenance attestations', () => {
  it('a pushed image carries an attestation manifest per platform with BuildKit\'s annotations; mode=max lists args but no secret', async () => {
    const root = tempDir('tsbuild-attest-root-');
    const name = `${registry.host}/demo/attest:max`;
    process.env[SECRET_ENV] = SECRET_VALUE;
    try {
      await buildImage(root, writeContext({}), DOCKERFILE(base), {
        tags: [name], outputs: [{ type: 'image', push: true }], buildArgs: { GREETING: 'hello-arg' },
        secrets: [{ id: 'tok', env: SECRET_ENV }], attestations: [{ type: 'provenance', mode: 'max', version: 'v1' }],
        registry: { insecureRegistries: [registry.host] },
      });
    } finally {
      delete process.env[SECRET_ENV];
    }
    const index = skopeoRaw(name).json as { mediaType: string; manifests: Descriptor[] };
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(index.manifests).toHaveLength(2);
    const [image, attestation] = index.manifests;
    expect(image.platform?.os).toBe('linux');
    expect(attestation.platform).toEqual({ architecture: 'unknown', os: 'unknown' });
    expect(attestation.annotations).toEqual({ 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': image.digest });
    // The image the index names is the one pushed (gzipped layers), and its bytes hash to that digest.
    expect(`sha256:${sha256(skopeoRaw(`${registry.host}/demo/attest@${image.digest}`).bytes)}`).toBe(image.digest);

    const manifest = skopeoRaw(`${registry.host}/demo/attest@${attestation.digest}`).json as { layers: Descriptor[]; config: Descriptor };
    expect(manifest.layers).toHaveLength(1);
    expect(manifest.layers[0].mediaType).toBe('application/vnd.in-toto+json');
    expect(manifest.layers[0].annotations).toEqual({ 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v1' });
    const config = JSON.parse((await registryBlob('demo/attest', manifest.config.digest)).toString('utf8'));
    expect(config).toMatchObject({ architecture: 'unknown', os: 'unknown', rootfs: { type: 'layers', diff_ids: [manifest.layers[0].digest] } });

    const text = (await registryBlob('demo/attest', manifest.layers[0].digest)).toString('utf8');
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).not.toContain(SECRET_ENV);
    const statement = JSON.parse(text) as Statement;
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.predicateType).toBe('https://slsa.dev/provenance/v1');
    expect(statement.subject).toEqual([{ name: `pkg:docker/${encodeURIComponent(registry.host)}/demo/attest@max?platform=linux%2Famd64`, digest: { sha256: image.digest.slice(7) } }]);
    const { buildDefinition, runDetails } = statement.predicate;
    expect(buildDefinition.buildType).toBe('https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md');
    expect(buildDefinition.externalParameters.configSource).toEqual({ path: 'Dockerfile' });
    expect(buildDefinition.externalParameters.request).toMatchObject({
      frontend: 'dockerfile.v0', args: { 'build-arg:GREETING': 'hello-arg' }, secrets: [{ id: 'tok' }], locals: [{ name: 'context' }, { name: 'dockerfile' }],
    });
    // The base image by the digest the registry serves it under.
    const baseDigest = sha256(skopeoRaw(base).bytes);
    expect(buildDefinition.resolvedDependencies).toEqual([
      { uri: `pkg:docker/${encodeURIComponent(registry.host)}/library/busybox@1?platform=linux%2Famd64`, digest: { sha256: baseDigest } },
    ]);
    // mode=max: the Dockerfile and which step made each layer.
    const metadata = runDetails.metadata.buildkit_metadata;
    expect(Buffer.from(metadata.source.infos[0].data, 'base64').toString('utf8')).toBe(DOCKERFILE(base));
    expect(Object.keys(metadata.layers).length).toBe(2);
    expect(runDetails.metadata.buildkit_completeness).toEqual({ request: true, resolvedDependencies: false });
  }, 180_000);

  it('mode=min (v0.2) leaves out build args and secret ids; the OCI layout holds the attestation manifest', async () => {
    const root = tempDir('tsbuild-attest-root-');
    const layout = join(tempDir('tsbuild-attest-oci-'), 'layout');
    process.env[SECRET_ENV] = SECRET_VALUE;
    try {
      await buildImage(root, writeContext({}), DOCKERFILE(base), {
        tags: ['demo/attest:min'], outputs: [{ type: 'oci', dest: layout, tar: false }], buildArgs: { GREETING: 'hello-arg' },
        secrets: [{ id: 'tok', env: SECRET_ENV }], attestations: [{ type: 'provenance', mode: 'min', version: 'v0.2' }],
        registry: { insecureRegistries: [registry.host] },
      });
    } finally {
      delete process.env[SECRET_ENV];
    }
    const blob = (digest: string) => readFileSync(join(layout, 'blobs/sha256', digest.slice(7)));
    const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')).manifests[0] as Descriptor;
    const index = JSON.parse(blob(top.digest).toString('utf8')) as { manifests: Descriptor[] };
    const [image, attestation] = index.manifests;
    expect(attestation.annotations?.['vnd.docker.reference.digest']).toBe(image.digest);
    const manifest = JSON.parse(blob(attestation.digest).toString('utf8')) as { layers: Descriptor[] };
    expect(manifest.layers[0].annotations).toEqual({ 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' });
    const text = blob(manifest.layers[0].digest).toString('utf8');
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).not.toContain('hello-arg');
    expect(text).not.toContain('"tok"');
    const statement = JSON.parse(text) as Statement;
    expect(statement.subject[0].digest.sha256).toBe(image.digest.slice(7));
    expect(statement.predicate).toMatchObject({
      builder: { id: '' },
      buildType: 'https://mobyproject.org/buildkit@v1',
      materials: [{ uri: `pkg:docker/${encodeURIComponent(registry.host)}/library/busybox@1?platform=linux%2Famd64`, digest: { sha256: sha256(skopeoRaw(base).bytes) } }],
      invocation: { configSource: { entryPoint: 'Dockerfile' }, parameters: { frontend: 'dockerfile.v0' } },
      metadata: { completeness: { parameters: false, environment: true, materials: false } },
    });
    expect(statement.predicate.invocation.parameters.args).toBeUndefined();
    expect(statement.predicate.buildConfig).toBeUndefined();
  }, 180_000);

  it('with SOURCE_DATE_EPOCH two fresh roots write identical attestations; type=local writes provenance.json over the files', async () => {
    const context = writeContext({ 'hello.txt': 'hello\n' });
    const dockerfile = 'FROM busybox\nCOPY hello.txt /hello.txt\nRUN echo made > /made\n';
    const digests: string[] = [];
    const locals: string[] = [];
    for (let i = 0; i < 2; i++) {
      const dest = join(tempDir('tsbuild-attest-local-'), 'out');
      const { result } = await buildImage(await newRoot(), context, dockerfile, {
        sourceDateEpoch: EPOCH, attestations: [{ type: 'provenance', mode: 'max', version: 'v1' }],
        outputs: [{ type: 'image', push: false }, { type: 'local', dest }],
      });
      digests.push(result.digest);
      locals.push(readFileSync(join(dest, 'provenance.json'), 'utf8'));
      const statement = JSON.parse(locals[i]) as Statement;
      expect(statement.subject).toContainEqual({ name: 'hello.txt', digest: { sha256: sha256(Buffer.from('hello\n')) } });
      expect(statement.subject).toContainEqual({ name: 'made', digest: { sha256: sha256(Buffer.from('made\n')) } });
      expect(statement.predicate.runDetails.metadata.startedOn).toBe(new Date(EPOCH * 1000).toISOString().replace('.000Z', 'Z'));
      expect(statement.predicate.runDetails.metadata.invocationID).toBeUndefined();
      expect(existsSync(join(dest, 'hello.txt'))).toBe(true);
    }
    expect(digests[1]).toBe(digests[0]);
    expect(locals[1]).toBe(locals[0]);
  }, 180_000);

  it('type=docker carries the attestation manifests in the archive\'s OCI index (BuildKit\'s docker exporter); type=tar carries them as files', async () => {
    const out = tempDir('tsbuild-attest-archives-');
    const [dockerTar, rootfsTar] = [join(out, 'docker.tar'), join(out, 'rootfs.tar')];
    const { result } = await buildImage(await newRoot(), writeContext({ 'hello.txt': 'hello\n' }), 'FROM busybox\nCOPY hello.txt /hello.txt\n', {
      tags: ['demo/attest:archives'], attestations: [{ type: 'provenance', mode: 'min', version: 'v1' }, { type: 'sbom' }],
      outputs: [{ type: 'docker', dest: dockerTar }, { type: 'tar', dest: rootfsTar }],
    });
    // docker: `docker load`'s manifest.json still names the image (skopeo reads it), and index.json
    // is the image index with the attestation manifest beside it, every blob under blobs/sha256.
    const unpacked = join(out, 'docker');
    execFileSync('mkdir', [unpacked]);
    execFileSync('tar', ['-xf', dockerTar, '-C', unpacked]);
    const blob = (digest: string) => readFileSync(join(unpacked, 'blobs/sha256', digest.slice(7)));
    const [loaded] = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as { Config: string; RepoTags: string[]; Layers: string[] }[];
    expect(loaded.RepoTags).toEqual(['demo/attest:archives']);
    const skopeo = JSON.parse(execFileSync('skopeo', ['inspect', '--config', `docker-archive:${dockerTar}`], { encoding: 'utf8' })) as { rootfs: { diff_ids: string[] } };
    expect(skopeo.rootfs.diff_ids).toHaveLength(loaded.Layers.length);
    const top = (JSON.parse(readFileSync(join(unpacked, 'index.json'), 'utf8')) as { manifests: Descriptor[] }).manifests;
    expect(top).toHaveLength(1);
    expect(top[0].digest).toBe(result.digest);
    const index = JSON.parse(blob(top[0].digest).toString('utf8')) as { manifests: Descriptor[] };
    const [image, attestation] = index.manifests;
    expect(`blobs/sha256/${(JSON.parse(blob(image.digest).toString('utf8')) as { config: Descriptor }).config.digest.slice(7)}`).toBe(loaded.Config);
    expect(attestation.platform).toEqual({ os: 'unknown', architecture: 'unknown' });
    expect(attestation.annotations).toEqual({ 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': image.digest });
    const layers = (JSON.parse(blob(attestation.digest).toString('utf8')) as { layers: Descriptor[] }).layers;
    expect(layers.map((l) => l.annotations?.['in-toto.io/predicate-type'])).toEqual(['https://slsa.dev/provenance/v1', 'https://spdx.dev/Document']);
    expect((JSON.parse(blob(layers[0].digest).toString('utf8')) as Statement).subject[0].digest.sha256).toBe(image.digest.slice(7));
    const reloaded = await load(dockerTar, { root: await newRoot() });
    expect(reloaded.map((l) => [l.name, l.descriptor.digest])).toEqual([['docker.io/demo/attest:archives', result.digest]]);
    // tar: the statements are files at the top of the tarball, their subjects the files beside them.
    const names = execFileSync('tar', ['-tf', rootfsTar], { encoding: 'utf8' }).split('\n');
    expect(names).toEqual(expect.arrayContaining(['hello.txt', 'provenance.json', 'sbom.spdx.json']));
    const provenance = JSON.parse(execFileSync('tar', ['-xOf', rootfsTar, 'provenance.json'], { encoding: 'utf8' })) as Statement;
    expect(provenance.predicateType).toBe('https://slsa.dev/provenance/v1');
    expect(provenance.subject).toContainEqual({ name: 'hello.txt', digest: { sha256: sha256(Buffer.from('hello\n')) } });
    const sbom = JSON.parse(execFileSync('tar', ['-xOf', rootfsTar, 'sbom.spdx.json'], { encoding: 'utf8' })) as Statement;
    expect(sbom.predicate.spdxVersion).toBe('SPDX-2.3');
  }, 180_000);

  it('tsbuild save --format docker of a stored image keeps its attestation manifests in the archive\'s index', async () => {
    const root = await newRoot();
    const { result } = await buildImage(root, writeContext({}), 'FROM busybox\nRUN echo saved > /saved\n', {
      tags: ['demo/attest:saved'], attestations: [{ type: 'provenance', mode: 'min', version: 'v1' }], outputs: [{ type: 'image', push: false }],
    });
    const out = tempDir('tsbuild-attest-save-');
    await save('demo/attest:saved', { root, format: 'docker', output: join(out, 'saved.tar') });
    execFileSync('tar', ['-xf', join(out, 'saved.tar'), '-C', out]);
    const top = (JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { manifests: Descriptor[] }).manifests;
    expect(top.map((d) => d.digest)).toEqual([result.digest]);
    const index = JSON.parse(readFileSync(join(out, 'blobs/sha256', result.digest.slice(7)), 'utf8')) as { manifests: Descriptor[] };
    expect(index.manifests[1].annotations?.['vnd.docker.reference.type']).toBe('attestation-manifest');
    expect(existsSync(join(out, 'blobs/sha256', index.manifests[1].digest.slice(7)))).toBe(true);
    const [loaded] = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { Config: string; RepoTags: string[] }[];
    expect(loaded.RepoTags).toEqual(['demo/attest:saved']);
    expect(existsSync(join(out, loaded.Config))).toBe(true);
  }, 180_000);

  it('an ADD URL is a material with the digest of what was downloaded', async () => {
    const body = 'downloaded for provenance\n';
    const server = createServer((_request, response) => response.end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/file.txt`;
      const dest = join(tempDir('tsbuild-attest-local-'), 'out');
      await buildImage(await newRoot(), writeContext({}), `FROM busybox\nADD ${url} /file.txt\n`, {
        attestations: [{ type: 'provenance', mode: 'min', version: 'v1' }], outputs: [{ type: 'local', dest }],
      });
      const statement = JSON.parse(readFileSync(join(dest, 'provenance.json'), 'utf8')) as Statement;
      expect(statement.predicate.buildDefinition.resolvedDependencies).toContainEqual({ uri: url, digest: { sha256: sha256(Buffer.from(body)) } });
    } finally {
      server.close();
    }
  }, 180_000);

  it('credentials in a git context URL never reach the provenance', async () => {
    const dest = join(tempDir('tsbuild-attest-local-'), 'out');
    const commit = 'a'.repeat(40);
    await buildImage(await newRoot(), writeContext({}), 'FROM busybox\n', {
      contextSource: { uri: 'https://builder:s3cr3t-token@git.example.invalid/org/repo.git#main', digest: { sha1: commit } },
      attestations: [{ type: 'provenance', mode: 'max', version: 'v1' }], outputs: [{ type: 'local', dest }],
    });
    const text = readFileSync(join(dest, 'provenance.json'), 'utf8');
    expect(text).not.toContain('s3cr3t-token');
    const statement = JSON.parse(text) as Statement;
    expect(statement.predicate.buildDefinition.externalParameters.configSource).toEqual({
      uri: 'https://git.example.invalid/org/repo.git#main', digest: { sha1: commit }, path: 'Dockerfile',
    });
  }, 180_000);
});

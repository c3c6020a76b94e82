// Digests from outside become blob paths: a `sha256:../../../canary` in a registry manifest, a
// loaded archive, the store or the name index must fail clearly and never read, stream or delete
// the host file it points at.
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../src/oci/digest.js';
import { parseConfig, parseIndex, parseManifest } from '../../src/spec/documents.js';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { MediaType, type Digest } from '../../src/spec/types.js';
import { pullImage } from '../../src/registry/pull.js';
import { runCli } from './cli-runner.js';
import { fixed, startHostileRegistry, type HostileRegistry } from './hostile-registry.js';

const CANARY = 'the host file nobody may read\n';
/** From `<work>/root/blobs/sha256/` to `<work>/canary`. */
const EVIL = 'sha256:../../../canary' as Digest;

let work: string;
let root: string;
let server: HostileRegistry;

const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
const configDescriptor = { mediaType: MediaType.OciConfig, digest: sha256Digest(config), size: config.length };
const evilManifest = Buffer.from(JSON.stringify({
  schemaVersion: 2, mediaType: MediaType.OciManifest, config: configDescriptor,
  layers: [{ mediaType: MediaType.OciLayerGzip, digest: EVIL, size: CANARY.length }],
}));
const evilDescriptor = { mediaType: MediaType.OciManifest, digest: sha256Digest(evilManifest), size: evilManifest.length };

const evilConfig = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [EVIL] } }));
const evilConfigDescriptor = { mediaType: MediaType.OciConfig, digest: sha256Digest(evilConfig), size: evilConfig.length };
const evilConfigManifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: evilConfigDescriptor, layers: [] }));

beforeAll(async () => {
  server = await startHostileRegistry();
  server.route('GET', '/v2/evil/cfg/manifests/1', fixed(evilConfigManifest, { 'content-type': MediaType.OciManifest }));
  server.route('GET', `/v2/evil/cfg/blobs/${evilConfigDescriptor.digest}`, fixed(evilConfig));
  server.route('GET', '/v2/evil/app/manifests/1', fixed(evilManifest, { 'content-type': MediaType.OciManifest }));
  server.route('GET', `/v2/evil/app/blobs/${configDescriptor.digest}`, fixed(config));
});

afterAll(() => server?.stop());

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'tsbuild-hostile-'));
  root = join(work, 'root');
  await writeFile(join(work, 'canary'), CANARY);
});

afterEach(() => rm(work, { recursive: true, force: true }));

async function expectCanaryUntouched(): Promise<void> {
  expect(await readFile(join(work, 'canary'), 'utf8')).toBe(CANARY);
}

function expectCleanFailure(result: { status: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.stderr).toMatch(pattern);
  expect(result.status).toBe(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

/** An OCI layout tarball whose index points at the hostile manifest. */
async function writeEvilArchive(path: string): Promise<void> {
  const pack = tar.pack();
  const index = { schemaVersion: 2, manifests: [{ ...evilDescriptor, annotations: { 'io.containerd.image.name': 'docker.io/evil/app:1' } }] };
  pack.entry({ name: 'oci-layout' }, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  pack.entry({ name: 'index.json' }, JSON.stringify(index));
  pack.entry({ name: `blobs/sha256/${evilDescriptor.digest.slice(7)}` }, evilManifest);
  pack.entry({ name: `blobs/sha256/${configDescriptor.digest.slice(7)}` }, config);
  pack.finalize();
  await pipeline(pack, createWriteStream(path));
}

describe('digests from outside are parsed before they become paths', () => {
  it('pull refuses a registry manifest whose layer digest walks out of the store', async () => {
    const store = await DiskContentStore.open(root);
    const names = new ImageNames(store.layout);
    const pull = pullImage(`${server.host}/evil/app:1`, { store, names, maxRetries: 0 });
    await expect(pull).rejects.toMatchObject({ code: 'REGISTRY', message: expect.stringMatching(/layer 0: invalid digest "sha256:\.\.\/\.\.\/\.\.\/canary"/) });
    expect(await names.list()).toEqual([]);
    expect(server.log.some((entry) => entry.path.includes('..'))).toBe(false);
    await expectCanaryUntouched();
  });

  it('pull refuses a config whose diff IDs (snapshot paths) walk out of the store, and names nothing', async () => {
    const store = await DiskContentStore.open(root);
    const names = new ImageNames(store.layout);
    await expect(pullImage(`${server.host}/evil/cfg:1`, { store, names, maxRetries: 0 })).rejects.toMatchObject({
      code: 'REGISTRY', message: expect.stringMatching(/config sha256:[a-f0-9]{64} of .*evil\/cfg:1: diff_ids\[0\]: invalid digest/),
    });
    expect(await names.list()).toEqual([]);
  });

  it('load refuses an archive whose manifest has a ../ digest, and nothing gets a name', async () => {
    const archive = join(work, 'evil.tar');
    await writeEvilArchive(archive);
    const env = { TSBUILD_ROOT: root };
    expectCleanFailure(await runCli(['load', '-i', archive], env), /invalid digest "sha256:\.\.\/\.\.\/\.\.\/canary"/);
    expect((await runCli(['images', '-q'], env)).stdout).toBe('');
    await expectCanaryUntouched();
  });

  it('save and rmi of a planted manifest fail without streaming or deleting the host file', async () => {
    const store = await DiskContentStore.open(root);
    await store.put(evilManifest, evilDescriptor.digest);
    await store.put(config, configDescriptor.digest);
    await new ImageNames(store.layout).set('evil/app:1', evilDescriptor);
    const env = { TSBUILD_ROOT: root };
    const out = join(work, 'out.tar');
    expectCleanFailure(await runCli(['save', '-o', out, 'evil/app:1'], env), /invalid digest/);
    const saved = await readFile(out, 'utf8').catch(() => '');
    expect(saved).not.toContain(CANARY);
    expectCleanFailure(await runCli(['rmi', 'evil/app:1'], env), /invalid digest/);
    await expectCanaryUntouched();
  });

  it('rmi of a name whose index entry was planted with a ../ digest leaves the host file alone', async () => {
    const store = await DiskContentStore.open(root);
    await mkdir(store.layout.images, { recursive: true });
    const entry = { descriptor: { mediaType: 'application/octet-stream', digest: EVIL, size: CANARY.length }, updated: new Date().toISOString() };
    await writeFile(join(store.layout.images, 'index.json'), JSON.stringify({ version: 1, images: { 'docker.io/evil/app:1': entry } }));
    expectCleanFailure(await runCli(['rmi', 'evil/app:1'], { TSBUILD_ROOT: root }), /image index .*invalid digest/);
    await expectCanaryUntouched();
  });

  it('the content store refuses a digest that is not sha256 hex, whatever the caller', async () => {
    const store = await DiskContentStore.open(root);
    await expect(store.has(EVIL)).rejects.toMatchObject({ code: 'STORE' });
    await expect(store.delete(EVIL)).rejects.toMatchObject({ code: 'STORE' });
    await expect(store.read(EVIL)).rejects.toMatchObject({ code: 'STORE' });
    await expectCanaryUntouched();
  });
});

describe('document parsers', () => {
  const where = { where: 'test' };
  const good = { mediaType: MediaType.OciLayerGzip, digest: configDescriptor.digest, size: 3 };
  const manifestWith = (layer: unknown) => JSON.stringify({ schemaVersion: 2, config: configDescriptor, layers: [layer] });

  it.each([
    ['a ../ digest', { ...good, digest: EVIL }],
    ['an upper-case digest', { ...good, digest: configDescriptor.digest.toUpperCase() }],
    ['a short sha512 digest', { ...good, digest: `sha512:${'a'.repeat(64)}` }],
    ['a negative size', { ...good, size: -1 }],
    ['a fractional size', { ...good, size: 1.5 }],
    ['an unsafe size', { ...good, size: 2 ** 60 }],
    ['a string size', { ...good, size: '3' }],
    ['no media type', { digest: good.digest, size: 3 }],
    ['a non-object', 'sha256:abc'],
  ])('rejects a layer with %s', (_label, layer) => {
    expect(() => parseManifest(manifestWith(layer), where)).toThrow(expect.objectContaining({ code: 'STORE' }));
  });

  it('accepts sha256 and sha512 digests and keeps unknown fields', () => {
    const sha512 = { ...good, digest: `sha512:${'b'.repeat(128)}`, annotations: { a: 'b' } };
    const parsed = parseManifest(manifestWith(sha512), where);
    expect(parsed.layers[0]).toEqual(sha512);
    expect(parseIndex(JSON.stringify({ schemaVersion: 2, manifests: [good], extra: 1 }), where)).toMatchObject({ extra: 1 });
  });

  it('rejects configs with invalid diff IDs, and non-JSON documents', () => {
    const bad = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [EVIL] } });
    expect(() => parseConfig(bad, { where: 'cfg', code: 'REGISTRY' })).toThrow(expect.objectContaining({ code: 'REGISTRY', message: expect.stringMatching(/cfg: diff_ids\[0\]: invalid digest/) }));
    expect(() => parseIndex('{"manifests": {}}', where)).toThrow(/not an image index/);
    expect(() => parseManifest('nope', where)).toThrow(/not valid JSON/);
  });
});

// The cache backend table is the one list of `--cache-from` / `--cache-to` types: their
// attributes, the errors for unknown or not-yet-supported types, and the backend that runs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheBackendNames, openCacheBackend } from '../../src/cache/backends/index.js';
import { exportCache } from '../../src/cache/export.js';
import { parseCacheFromFlag, parseCacheToFlag } from '../../src/cli/build-flags.js';
import { MemoryContentStore } from '../../src/oci/memory-store.js';
import type { Digest } from '../../src/spec/types.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tsbuild-cache-backends-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('cache flags come from the backend table', () => {
  it('parses each backend\'s attributes', () => {
    expect(cacheBackendNames()).toEqual(['registry', 'local', 's3', 'gha', 'inline']);
    expect(parseCacheToFlag('type=inline')).toEqual({ location: { type: 'inline' }, mode: 'min' });
    expect(parseCacheToFlag('type=gha,scope=ci,mode=max,ignore-error=true')).toEqual({ location: { type: 'gha', scope: 'ci' }, mode: 'max', ignoreError: true });
    expect(parseCacheFromFlag('type=gha,url=http://127.0.0.1:1/,token=t')).toEqual({ type: 'gha', scope: 'buildkit', url: 'http://127.0.0.1:1/', token: 't' });
    expect(parseCacheToFlag('type=s3,bucket=b,region=eu-west-1,endpoint_url=http://127.0.0.1:9000,use_path_style=true,prefix=p/,name=a;b,mode=max')).toEqual({
      location: { type: 's3', bucket: 'b', region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:9000', usePathStyle: true, prefix: 'p/', names: ['a', 'b'] }, mode: 'max',
    });
    expect(parseCacheFromFlag('type=registry,ref=r.example/c:1')).toEqual({ type: 'registry', ref: 'r.example/c:1' });
    expect(parseCacheFromFlag('r.example/c:1')).toEqual({ type: 'registry', ref: 'r.example/c:1' });
    expect(parseCacheFromFlag('type=local,src=/c')).toEqual({ type: 'local', dir: '/c' });
    expect(parseCacheToFlag('type=local,dest=/c,mode=max')).toEqual({ location: { type: 'local', dir: '/c' }, mode: 'max' });
  });

  it.each([
    ['--cache-from', parseCacheFromFlag, 'type=local,dest=/c', '--cache-from type=local needs src=DIR'],
    ['--cache-to', parseCacheToFlag, 'type=local,src=/c', '--cache-to type=local needs dest=DIR'],
    ['--cache-to', parseCacheToFlag, 'type=registry', '--cache-to type=registry needs ref=REGISTRY/REPO:TAG'],
    ['--cache-from', parseCacheFromFlag, 'type=azblob', '--cache-from type=azblob is not supported by tsbuild yet (registry, local, s3, gha, inline)'],
    ['--cache-to', parseCacheToFlag, 'type=gha,ignore-error=perhaps', 'invalid boolean "perhaps"'],
    ['--cache-from', parseCacheFromFlag, 'type=gha,url=ftp://x/', '--cache-from type=gha: url must be an http:// or https:// URL'],
    ['--cache-to', parseCacheToFlag, 'type=s3,bucket=b,region=r,use_path_style=maybe', '--cache-to type=s3: use_path_style must be true or false, got "maybe"'],
    ['--cache-from', parseCacheFromFlag, 'type=s3,bucket=b,region=r,endpoint_url=file:///etc', '--cache-from type=s3: endpoint_url must be an http:// or https:// URL'],
    ['--cache-to', parseCacheToFlag, 'type=inline,mode=max', '--cache-to type=inline supports mode=min only'],
    ['--cache-from', parseCacheFromFlag, 'type=inline', '--cache-from type=inline: name the image instead (type=registry,ref=IMAGE)'],
    ['--cache-from', parseCacheFromFlag, 'type=floppy', '--cache-from: unknown type "floppy" (registry, local, s3, gha, inline)'],
  ])('%s %s is refused clearly', (_flag, parse, value, message) => {
    expect(() => parse(value)).toThrow(message);
  });
});

describe('a backend from the table', () => {
  it('exports a cache and imports it into another store (local)', async () => {
    const source = new MemoryContentStore();
    const layer = await source.put(Buffer.from('layer bytes'));
    const record = { diffIds: [layer.digest], layer: { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size, diffId: layer.digest } };
    const backend = openCacheBackend({ type: 'local', dir: join(work, 'nested', 'cache') }, { registry: {} });
    const key = `sha256:${'1'.repeat(64)}`;
    await exportCache(source, backend, [{ key, result: record }], new Map());

    const target = new MemoryContentStore();
    const imported = await backend.import(target);
    expect(imported.config.records.map((r) => r.key)).toEqual([key]);
    const exportedLayer = imported.config.records[0]!.result.layer!;
    expect(await target.has(exportedLayer.digest as Digest)).toBe(false);
    await imported.fetchBlob({ mediaType: exportedLayer.mediaType, digest: exportedLayer.digest as Digest, size: exportedLayer.size });
    expect(await target.has(exportedLayer.digest as Digest)).toBe(true);
  });
});

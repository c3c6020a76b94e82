import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheKey, type CacheKeyParts } from '../../src/cache/keys.js';
import { CacheRecordStore, parseCacheRecord, type CacheRecord } from '../../src/cache/records.js';
import { explainMiss } from '../../src/cache/explain.js';

const base: CacheKeyParts = {
  definition: { op: 'exec', args: ['/bin/sh', '-c', 'make'], env: ['PATH=/bin', 'A=1'], cwd: '/src' },
  inputKeys: ['sha256:parent'],
  contents: { context: 'sha256:ctx1' },
};

describe('cache keys', () => {
  it('ignores object key order and changes with every part', () => {
    const reordered = { contents: base.contents, inputKeys: base.inputKeys, definition: { cwd: '/src', env: ['PATH=/bin', 'A=1'], args: ['/bin/sh', '-c', 'make'], op: 'exec' } };
    expect(cacheKey(reordered)).toBe(cacheKey(base));
    expect(cacheKey({ ...base, inputKeys: ['sha256:other'] })).not.toBe(cacheKey(base));
    expect(cacheKey({ ...base, contents: { context: 'sha256:ctx2' } })).not.toBe(cacheKey(base));
    expect(cacheKey({ ...base, definition: { ...(base.definition as object), cwd: '/' } })).not.toBe(cacheKey(base));
    expect(cacheKey(base)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

function record(parts: CacheKeyParts, fileDigests?: Record<string, string>): CacheRecord {
  return { key: cacheKey(parts), identity: 'sha256:step-1', parts, fileDigests, result: { diffIds: [] }, createdAt: new Date().toISOString() };
}

describe('cache records', () => {
  it('round-trips records and remembers the last key per identity, leaving no temp files', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'tsbuild-records-'));
    const store = CacheRecordStore.at(root);
    const r = record(base);
    expect(await store.get(r.key)).toBeUndefined();
    await store.put(r);
    expect(await store.get(r.key)).toEqual(r);
    expect(await store.lastKeyFor('sha256:step-1')).toBe(r.key);
    const files = await readdir(path.join(root, 'cache', 'records'));
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('treats a corrupt record as a miss', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'tsbuild-records-'));
    const store = CacheRecordStore.at(root);
    const r = record(base);
    await store.put(r);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(root, 'cache', 'records', `${r.key.slice(7)}.json`), '{"key":');
    expect(await store.get(r.key)).toBeUndefined();
  });
});

describe('explainMiss', () => {
  it('names the changed file, build arg, instruction field and parent', () => {
    const previous = record(
      { ...base, definition: { ...(base.definition as object), buildArgs: { VERSION: '1' } } },
      { 'src/a.go': 'sha256:1', 'src/b.go': 'sha256:2' },
    );
    const reasons = explainMiss(
      {
        parts: {
          definition: { ...(base.definition as object), cwd: '/app', buildArgs: { VERSION: '2' } },
          inputKeys: ['sha256:parent2'],
          contents: { context: 'sha256:ctx2' },
        },
        fileDigests: { 'src/a.go': 'sha256:1', 'src/b.go': 'sha256:3', 'src/c.go': 'sha256:4' },
        inputNames: ['[build 2/4] COPY go.mod .'],
      },
      previous,
    );
    expect(reasons).toEqual([
      'build arg VERSION changed',
      'cwd changed: "/src" -> "/app"',
      'file changed: src/b.go',
      'file added: src/c.go',
      'parent step [build 2/4] COPY go.mod . changed',
    ]);
  });

  it('says when there is nothing to compare with', () => {
    expect(explainMiss({ parts: base }, undefined)).toEqual(['no previous build of this step']);
  });
});

describe('records from outside (an imported cache, a planted file)', () => {
  const layerDigest = `sha256:${'2'.repeat(64)}`;
  const valid = { key: `sha256:${'1'.repeat(64)}`, result: { diffIds: [layerDigest] } };

  it('accepts a record whose keys are digests', () => {
    expect(parseCacheRecord(valid, 'probe').key).toBe(valid.key);
    expect(parseCacheRecord({ ...valid, result: { ...valid.result, key: `sha256:${'3'.repeat(64)}` } }, 'probe').result.key).toBe(`sha256:${'3'.repeat(64)}`);
  });

  it.each([
    ['a key that is a path', { ...valid, key: 'sha256:../../../../etc/passwd' }, /probe: key: invalid digest/],
    ['an alias key that is a path', { ...valid, result: { ...valid.result, key: '../../outside' } }, /probe: result key: invalid digest/],
    ['an alias key that is not a string', { ...valid, result: { ...valid.result, key: 7 } }, /probe: result key: invalid digest/],
  ])('refuses %s', (_name, record, message) => {
    expect(() => parseCacheRecord(record, 'probe')).toThrow(message);
  });

  it('never turns a key into a path outside the records directory', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tsbuild-records-'));
    const store = new CacheRecordStore(path.join(dir, 'records'));
    await writeFile(path.join(dir, 'planted.json'), JSON.stringify({ ...valid, key: 'sha256:../planted' }));
    expect(await store.get('sha256:../planted')).toBeUndefined();
  });
});

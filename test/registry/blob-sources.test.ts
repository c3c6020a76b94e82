// <root>/blob-sources.json is a hint the next push turns into mount requests and token scopes: what
// a damaged or planted file holds is dropped unless it is a digest naming registry/repository.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobSources } from '../../src/registry/blob-sources.js';

const dir = mkdtempSync(join(tmpdir(), 'tsbuild-blob-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const digest = `sha256:${'a'.repeat(64)}`;

describe('blob sources', () => {
  it('names the sibling repositories a push may mount from', async () => {
    const sources = BlobSources.of(dir);
    await sources.record('127.0.0.1:5000', 'team/base', [digest]);
    await sources.record('127.0.0.1:5000', 'team/app', [digest]);
    expect(await sources.repositoriesHolding('127.0.0.1:5000', digest, 'team/new')).toEqual(['team/app', 'team/base']);
    expect(await sources.repositoriesHolding('127.0.0.1:5000', digest, 'team/app')).toEqual(['team/base']);
    expect(await sources.repositoriesHolding('other.example', digest, 'x')).toEqual([]);
  });

  it.each([
    ['a location that is not a repository', { version: 1, blobs: { [digest]: ['127.0.0.1:5000/../../admin?x=y', '127.0.0.1:5000/ok/repo'] } }, ['ok/repo']],
    ['a key that is not a digest', { version: 1, blobs: { '../../etc/passwd': ['127.0.0.1:5000/a/b'], [digest]: ['127.0.0.1:5000/a/b'] } }, ['a/b']],
    ['a list that is not a list', { version: 1, blobs: { [digest]: '127.0.0.1:5000/a/b' } }, []],
    ['a file that is not JSON', 'not json', []],
  ])('drops %s from a planted file', async (_name, planted, expected) => {
    const root = mkdtempSync(join(dir, 'root-'));
    writeFileSync(join(root, 'blob-sources.json'), typeof planted === 'string' ? planted : JSON.stringify(planted));
    expect(await BlobSources.of(root).repositoriesHolding('127.0.0.1:5000', digest, 'none')).toEqual(expected);
  });
});

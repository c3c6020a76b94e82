// Runs the ContentStore contract on the disk and memory stores, plus the disk store's
// multi-process guarantees: concurrent identical writers, killed writers, tampered blobs.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { MemoryContentStore } from '../../src/oci/memory-store.js';
import { sha256Digest } from '../../src/oci/digest.js';
import { contentStoreContract } from './store-contract.js';
import { exited, fixturePath, spawnTs } from './fixtures/run-ts.js';

const roots: string[] = [];
async function tempRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'tsbuild-store-'));
  roots.push(root);
  return root;
}
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

contentStoreContract('disk', async () => DiskContentStore.open(await tempRoot()));
contentStoreContract('memory', async () => new MemoryContentStore());

describe('DiskContentStore across processes', () => {
  it('two processes putting the same blob concurrently both succeed and leave one intact blob', async () => {
    const root = await tempRoot();
    const size = 8 * 1024 * 1024;
    const results = await Promise.all([1, 2].map(() => exited(spawnTs(fixturePath('put-blob.ts'), [root, String(size), 'same']))));
    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 });
    const digests = results.map((result) => result.stdout.trim());
    expect(digests[0]).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(digests[1]).toBe(digests[0]);
    const store = await DiskContentStore.open(root);
    const bytes = await store.read(digests[0] as never);
    expect(bytes.length).toBe(size);
    expect(await readdir(store.layout.blobs)).toEqual([digests[0]!.slice(7)]);
    expect(await readdir(store.layout.tmp)).toEqual([]);
  });

  it('a writer killed mid-write leaves no blob under a final name', async () => {
    const root = await tempRoot();
    const child = spawnTs(fixturePath('put-blob.ts'), [root, String(4 * 1024 * 1024), 'killed', '--stall']);
    const done = exited(child);
    await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('writing') && resolve()));
    const store = await DiskContentStore.open(root);
    expect((await readdir(store.layout.tmp)).length).toBe(1);
    child.kill('SIGKILL');
    expect((await done).code).toBeNull();
    expect(await readdir(store.layout.blobs)).toEqual([]);
    // The temp file names its writer: once that process is dead it goes at once, whatever its age.
    expect(await store.removeStaleTemps(60 * 60_000)).toBe(1);
    expect(await readdir(store.layout.tmp)).toEqual([]);
  });

  it('detects a blob altered on disk when reading or streaming it', async () => {
    const store = await DiskContentStore.open(await tempRoot());
    const info = await store.put(Buffer.from('original'));
    await writeFile(store.blobPath(info.digest), 'tampered');
    await expect(store.read(info.digest)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    const stream = await store.open(info.digest);
    await expect((async () => { for await (const _ of stream) { /* drain */ } })()).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('memory store verifies on read too', async () => {
    const store = new MemoryContentStore();
    const digest = sha256Digest('x');
    await store.put(Buffer.from('x'));
    store.corruptForTest(digest, Buffer.from('y'));
    await expect(store.read(digest)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });
});

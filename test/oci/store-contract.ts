// The ContentStore contract as a reusable suite, run against every implementation.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ContentStore } from '../../src/oci/content-store.js';
import { DigestMismatchError, sha256Digest } from '../../src/oci/digest.js';
import type { Digest } from '../../src/spec/types.js';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listAll(store: ContentStore): Promise<Digest[]> {
  const digests: Digest[] = [];
  for await (const digest of store.list()) digests.push(digest);
  return digests.sort();
}

export function contentStoreContract(name: string, makeStore: () => Promise<ContentStore>): void {
  describe(`ContentStore contract: ${name}`, () => {
    const hello = Buffer.from('hello, tsbuild\n');
    const helloDigest = sha256Digest(hello);

    it.each([
      ['a Buffer', () => hello],
      ['a Readable', () => Readable.from([hello.subarray(0, 5), hello.subarray(5)])],
      ['an async iterable', () => (async function* () { yield hello.subarray(0, 3); yield hello.subarray(3); })()],
    ])('stores %s and reports its digest and size', async (_label, source) => {
      const store = await makeStore();
      const info = await store.put(source());
      expect(info).toEqual({ digest: helloDigest, size: hello.length });
      expect(await store.has(helloDigest)).toBe(true);
      expect(await store.stat(helloDigest)).toEqual({ digest: helloDigest, size: hello.length });
      expect(await store.read(helloDigest)).toEqual(hello);
      expect(await collect(await store.open(helloDigest))).toEqual(hello);
    });

    it('is idempotent: putting the same bytes twice keeps one blob', async () => {
      const store = await makeStore();
      await store.put(hello, helloDigest);
      await store.put(hello, helloDigest);
      expect(await listAll(store)).toEqual([helloDigest]);
    });

    it('keeps nothing and throws DIGEST_MISMATCH naming both digests when the bytes do not match', async () => {
      const store = await makeStore();
      const wrong = sha256Digest('something else');
      const error = await store.put(hello, wrong).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DigestMismatchError);
      expect(error).toMatchObject({ code: 'DIGEST_MISMATCH', expected: wrong, actual: helloDigest });
      expect((error as Error).message).toContain(wrong);
      expect((error as Error).message).toContain(helloDigest);
      expect(await store.has(helloDigest)).toBe(false);
      expect(await store.has(wrong)).toBe(false);
      expect(await listAll(store)).toEqual([]);
    });

    it('reports absent blobs as absent and fails to read them with NOT_FOUND', async () => {
      const store = await makeStore();
      expect(await store.has(helloDigest)).toBe(false);
      expect(await store.stat(helloDigest)).toBeUndefined();
      await expect(store.read(helloDigest)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(store.open(helloDigest)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('deletes blobs, and deleting an absent blob is not an error', async () => {
      const store = await makeStore();
      await store.put(hello);
      await store.delete(helloDigest);
      await store.delete(helloDigest);
      expect(await store.has(helloDigest)).toBe(false);
    });

    it('lists every stored digest', async () => {
      const store = await makeStore();
      const blobs = ['a', 'b', 'c'].map((text) => Buffer.from(text));
      for (const blob of blobs) await store.put(blob);
      expect(await listAll(store)).toEqual(blobs.map((blob) => sha256Digest(blob)).sort());
    });

    it('stores a multi-megabyte stream intact', async () => {
      const store = await makeStore();
      const big = Buffer.alloc(5 * 1024 * 1024 + 17, 7);
      big.write('distinct', 1000);
      const info = await store.put(Readable.from([big.subarray(0, 3_000_000), big.subarray(3_000_000)]));
      expect(info).toEqual({ digest: sha256Digest(big), size: big.length });
      expect((await collect(await store.open(info.digest))).equals(big)).toBe(true);
    });

    it('propagates a failing source and keeps nothing', async () => {
      const store = await makeStore();
      const failing = (async function* () {
        yield Buffer.from('partial');
        throw new Error('source broke');
      })();
      await expect(store.put(failing)).rejects.toThrow('source broke');
      expect(await listAll(store)).toEqual([]);
    });
  });
}

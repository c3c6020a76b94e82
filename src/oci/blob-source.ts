// Normalises the inputs a ContentStore accepts into one async iterable of byte chunks.
import type { Readable } from 'node:stream';

export type BlobSource = Readable | AsyncIterable<Uint8Array> | Uint8Array;

export async function* chunksOf(source: BlobSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  for await (const chunk of source) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

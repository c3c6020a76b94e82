// Streams the bytes of a tar archive from layer entries, in big chunks (zlib and sha256 are
// much faster fed ~1 MiB at a time than one 512-byte header at a time; see DESIGN.md).
import { closeSync, openSync, readSync } from 'node:fs';
import type { LayerEntry } from './layer-walk.js';
import { encodeTarHeader, END_OF_ARCHIVE, padding } from './tar-header.js';

export const CHUNK_SIZE = 1 << 20;

/**
 * Tar bytes of `entries` followed by the end-of-archive marker (unless `end` is false: more
 * entries follow), as chunks of about CHUNK_SIZE.
 */
export async function* tarChunks(entries: Iterable<LayerEntry>, end = true): AsyncGenerator<Buffer> {
  const batch = new ChunkBatcher();
  for (const entry of entries) {
    yield* batch.add(encodeTarHeader(entry.header));
    if (entry.contentPath !== undefined) {
      for (const piece of fileContent(entry.contentPath, entry.header.size)) yield* batch.add(piece);
      yield* batch.add(padding(entry.header.size));
    } else if (entry.content !== undefined) {
      yield* batch.add(entry.content);
      yield* batch.add(padding(entry.content.length));
    }
  }
  if (end) yield* batch.add(END_OF_ARCHIVE);
  yield* batch.flush();
}

/**
 * Exactly `size` bytes of the file as it was when stat'ed: a file that grew is cut, one that
 * shrank is zero-padded, so the archive never disagrees with its own headers.
 */
function* fileContent(path: string, size: number): Generator<Buffer> {
  if (size === 0) return;
  const fd = openSync(path, 'r');
  try {
    let offset = 0;
    while (offset < size) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK_SIZE, size - offset));
      const read = readSync(fd, buffer, 0, buffer.byteLength, offset);
      if (read === 0) {
        yield Buffer.alloc(size - offset);
        return;
      }
      offset += read;
      yield read === buffer.byteLength ? buffer : buffer.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}

/** Collects small buffers and emits them concatenated once they reach CHUNK_SIZE. */
export class ChunkBatcher {
  private parts: Buffer[] = [];
  private bytes = 0;

  *add(part: Buffer): Generator<Buffer> {
    if (part.byteLength === 0) return;
    if (part.byteLength >= CHUNK_SIZE && this.bytes === 0) {
      yield part;
      return;
    }
    this.parts.push(part);
    this.bytes += part.byteLength;
    if (this.bytes >= CHUNK_SIZE) yield* this.flush();
  }

  *flush(): Generator<Buffer> {
    if (this.bytes === 0) return;
    const chunk = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    yield chunk;
  }
}

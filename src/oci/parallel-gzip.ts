// pigz's algorithm inside Node: the input is cut into fixed 1 MiB blocks, each block is raw-
// deflated on the libuv thread pool with the previous block's last 32 KiB as its dictionary and
// ended with a sync flush, and the pieces are joined into ONE gzip member (own header, CRC-32 and
// length trailer). Blocks compress in parallel, and because block boundaries are fixed the
// output is identical whatever the parallelism.
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { constants, crc32, deflateRaw } from 'node:zlib';

const deflateRawAsync = promisify(deflateRaw);

const GZIP_BLOCK = 1 << 20;
const DICTIONARY_SIZE = 32 * 1024;
/** ID1 ID2, CM=deflate, no flags, mtime 0, XFL 0, OS=unix: reproducible. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03]);

export async function* parallelGzip(source: AsyncIterable<Buffer>, level: number, parallelism = availableParallelism()): AsyncGenerator<Buffer> {
  yield GZIP_HEADER;
  let crc = 0;
  let length = 0;
  let previous: Buffer | undefined;
  const inFlight: Promise<Buffer>[] = [];
  for await (const block of fixedBlocks(source)) {
    crc = crc32(block, crc);
    length += block.byteLength;
    const dictionary = previous ? previous.subarray(previous.byteLength - Math.min(DICTIONARY_SIZE, previous.byteLength)) : undefined;
    inFlight.push(deflateRawAsync(block, { level, finishFlush: constants.Z_SYNC_FLUSH, ...(dictionary ? { dictionary } : {}) }));
    previous = block;
    if (inFlight.length >= parallelism) yield await inFlight.shift()!;
  }
  for (const pending of inFlight) yield await pending;
  yield await deflateRawAsync(Buffer.alloc(0), { level, finishFlush: constants.Z_FINISH });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(length % 2 ** 32, 4);
  yield trailer;
}

/** Re-cuts a stream into GZIP_BLOCK-sized blocks (the last may be shorter). */
async function* fixedBlocks(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    let rest = chunk;
    while (size + rest.byteLength >= GZIP_BLOCK) {
      const take = GZIP_BLOCK - size;
      parts.push(rest.subarray(0, take));
      yield Buffer.concat(parts, GZIP_BLOCK);
      rest = rest.subarray(take);
      parts = [];
      size = 0;
    }
    if (rest.byteLength > 0) {
      parts.push(rest);
      size += rest.byteLength;
    }
  }
  if (size > 0) yield Buffer.concat(parts, size);
}

// Detects a stream's compression by its magic bytes and returns the uncompressed byte stream.
import { spawn } from 'node:child_process';
import { Readable, PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { TsbuildError } from '../errors.js';

export type Compression = 'none' | 'gzip' | 'zstd' | 'bzip2' | 'xz';

const MAGIC: ReadonlyArray<[Compression, number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
];

export function detectCompression(head: Uint8Array): Compression {
  for (const [kind, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((byte, i) => head[i] === byte)) return kind;
  }
  return 'none';
}

/** Reads the first bytes of `input`, detects the compression, and returns it with the stream rewound. */
async function peekCompression(input: Readable): Promise<{ compression: Compression; stream: Readable }> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < 6 && !done) {
    const next = await iterator.next();
    if (next.done) done = true;
    else {
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      chunks.push(chunk);
      length += chunk.length;
    }
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    while (true) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { compression: detectCompression(head), stream: Readable.from(replay(), { objectMode: false }) };
}

/**
 * Returns the uncompressed bytes of `input`, whatever of the supported compressions it uses.
 * `allowed` limits the accepted formats (layers: none, gzip, zstd).
 */
export async function decompressed(input: Readable, allowed: readonly Compression[]): Promise<Readable> {
  const { compression, stream } = await peekCompression(input);
  if (!allowed.includes(compression)) {
    throw new TsbuildError('STORE', `unsupported compression ${compression} (accepted: ${allowed.join(', ')})`);
  }
  switch (compression) {
    case 'none':
      return stream;
    case 'gzip': {
      const gunzip = createGunzip({ chunkSize: 256 * 1024 });
      pipeline(stream, gunzip).catch((error: unknown) => gunzip.destroy(error as Error));
      return gunzip;
    }
    case 'zstd':
      return throughTool('zstd', ['-d', '-c', '-q'], stream);
    case 'bzip2':
      return throughTool('bzip2', ['-d', '-c', '-q'], stream);
    case 'xz':
      return throughTool('xz', ['-d', '-c', '-q'], stream);
    default: {
      const unreachable: never = compression;
      throw new Error(`unknown compression ${String(unreachable)}`);
    }
  }
}

/** Decompresses through a child process; its failure surfaces as an error on the returned stream. */
function throughTool(tool: string, args: string[], input: Readable): Readable {
  const output = new PassThrough({ highWaterMark: 1024 * 1024 });
  const child = spawn(tool, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.on('error', (cause) =>
    output.destroy(new TsbuildError('STORE', `${tool} is needed to decompress this archive`, { cause })),
  );
  pipeline(input, child.stdin).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') output.destroy(error as Error);
  });
  child.stdout.pipe(output, { end: false });
  output.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });
  child.on('close', (code) => {
    if (code === 0) output.end();
    else output.destroy(new TsbuildError('STORE', `${tool} failed (exit ${code}): ${stderr.trim()}`));
  });
  return output;
}

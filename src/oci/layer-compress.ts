// Gzip compression of layer tars as a stream: block-parallel in-process (the default), one zlib
// stream fed 1 MiB chunks, or an out-of-process `pigz`. All write headers without name or mtime.
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { TsbuildError } from '../errors.js';
import { CHUNK_SIZE } from './layer-tar.js';
import { parallelGzip } from './parallel-gzip.js';

export type Compression = 'gzip' | 'uncompressed';
/**
 * `parallel`: pigz's block algorithm in-process on the libuv pool (all cores, one gzip member);
 * `zlib`: one zlib stream (one core); `pigz`: a child `pigz` process using every core.
 */
export type Compressor = 'parallel' | 'zlib' | 'pigz';

export const DEFAULT_GZIP_LEVEL = 6;

/** Gzip-compresses `source`; errors of the source or the compressor surface on the result. */
export function gzipStream(source: AsyncIterable<Buffer>, level: number, compressor: Compressor): Readable {
  switch (compressor) {
    case 'parallel':
      return Readable.from(parallelGzip(source, level));
    case 'zlib':
      return zlibGzip(source, level);
    case 'pigz':
      return pigzGzip(source, level);
    default: {
      const unhandled: never = compressor;
      return unhandled;
    }
  }
}

function zlibGzip(source: AsyncIterable<Buffer>, level: number): Readable {
  const gzip = createGzip({ level, chunkSize: CHUNK_SIZE, memLevel: 9, strategy: constants.Z_DEFAULT_STRATEGY });
  pipeline(Readable.from(source), gzip).catch((error: unknown) => gzip.destroy(error as Error));
  return gzip;
}

function pigzGzip(source: AsyncIterable<Buffer>, level: number): Readable {
  const child = spawn('pigz', ['-n', '-c', `-${level}`, '-p', String(Math.max(1, cpus().length))], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (error) => reject(new TsbuildError('STORE', `cannot run pigz: ${error.message}`)));
    child.once('close', resolve);
  });
  // The output ends only after pigz has exited successfully.
  const output = new Transform({
    readableHighWaterMark: CHUNK_SIZE,
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      exited.then(
        (code) => done(code === 0 ? null : new TsbuildError('STORE', `pigz exited with ${code}: ${stderr.trim()}`)),
        done,
      );
    },
  });
  exited.catch((error: Error) => output.destroy(error));
  pipeline(Readable.from(source), child.stdin).catch((error: unknown) => {
    child.kill();
    output.destroy(error as Error);
  });
  child.stdout.pipe(output);
  return output;
}

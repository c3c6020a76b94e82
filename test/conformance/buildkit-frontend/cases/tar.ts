// Tar archives as Go's archive/tar writes them in the tests (ustar headers, in order), and gzip.
import { gunzipSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'link';
  content?: string;
  /** Target of a symlink or hard link. */
  linkname?: string;
  mode: number;
  /** Seconds since the epoch; default 0. */
  mtime?: number;
}

const TYPEFLAG = { file: '0', link: '1', symlink: '2', dir: '5' } as const;

export function tarOf(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.content ?? '');
    const header = Buffer.alloc(512);
    const put = (text: string, offset: number, length: number) => header.write(text.slice(0, length), offset, 'latin1');
    const octal = (value: number, offset: number, length: number) => put(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length);
    put(entry.name, 0, 100);
    octal(entry.mode, 100, 8);
    octal(0, 108, 8);
    octal(0, 116, 8);
    octal(body.length, 124, 12);
    octal(entry.mtime ?? 0, 136, 12);
    put(TYPEFLAG[entry.type], 156, 1);
    put(entry.linkname ?? '', 157, 100);
    put('ustar\0' + '00', 257, 8);
    header.fill(' ', 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function gzipOf(data: Buffer): Buffer {
  return gzipSync(data);
}

/** BuildKit's testutil.ReadTarToMap: each entry's content by name (gunzipped first when `gzipped`). */
export async function readTarToMap(data: Buffer, gzipped = false): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        entries.set(header.name.replace(/^\.\//, ''), Buffer.concat(chunks));
        next();
      });
      stream.on('error', reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(gzipped ? gunzipSync(data) : data);
  await done;
  return entries;
}

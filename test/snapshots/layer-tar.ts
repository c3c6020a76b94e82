// Test helper: builds layer tars in memory with tar-stream, optionally gzip-compressed.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import type { Digest } from '../../src/spec/types.js';

export interface TarEntrySpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  content?: string;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  devmajor?: number;
  devminor?: number;
  xattrs?: Record<string, string>;
}

export const EPOCH = new Date('2020-01-02T03:04:05Z');

export async function buildTar(entries: TarEntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const spec of entries) {
    const type = spec.type ?? 'file';
    const content = type === 'file' ? Buffer.from(spec.content ?? '') : undefined;
    const pax = spec.xattrs
      ? Object.fromEntries(Object.entries(spec.xattrs).map(([k, v]) => [`SCHILY.xattr.${k}`, v]))
      : undefined;
    const header = {
      name: spec.name,
      type,
      mode: spec.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: spec.uid ?? 0,
      gid: spec.gid ?? 0,
      mtime: spec.mtime ?? EPOCH,
      linkname: spec.linkname,
      devmajor: spec.devmajor,
      devminor: spec.devminor,
      size: content?.length ?? 0,
      pax,
    };
    await new Promise<void>((resolve, reject) => {
      pack.entry(header, content ?? Buffer.alloc(0), (error) => (error ? reject(error) : resolve()));
    });
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export function diffIdOf(tarBytes: Buffer): Digest {
  return `sha256:${createHash('sha256').update(tarBytes).digest('hex')}` as Digest;
}

export function streamOf(bytes: Buffer, compress = false): Readable {
  return Readable.from([compress ? gzipSync(bytes) : bytes]);
}

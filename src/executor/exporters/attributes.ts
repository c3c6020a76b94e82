// Attribute rules shared by several exporters: booleans, `dest=`, compression.
import { TsbuildError } from '../../errors.js';
import type { ImageToSave, Descriptor } from '../../oci/index.js';
export type Compression = 'gzip' | 'uncompressed';

export interface CompressionOptions {
  compression?: Compression;
  compressionLevel?: number;
}

const usage = (message: string) => new TsbuildError('USAGE', message);

/** Docker's boolean attribute values; absent means `fallback`, a bare key true. */
export function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === '' || value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw usage(`invalid boolean "${value}"`);
}

export function requiredDest(fields: Record<string, string>): string {
  if (!fields.dest) throw usage(`output type=${fields.type} needs dest=PATH`);
  return fields.dest;
}

export function compressionOptions(fields: Record<string, string>): CompressionOptions {
  const compression = fields.compression as Compression | undefined;
  if (compression && compression !== 'gzip' && compression !== 'uncompressed') {
    throw usage(`output: compression "${compression}" is not supported (gzip, uncompressed)`);
  }
  const level = fields['compression-level'] === undefined ? undefined : Number(fields['compression-level']);
  return { compression, compressionLevel: level };
}

/** The archive exporters write gzip layers only (they export what a push would). */
export function refuseUncompressed(type: string, options: CompressionOptions): void {
  if (options.compression === 'uncompressed') {
    throw usage(`output type=${type},compression=uncompressed is not supported yet (layers are gzip)`);
  }
}

/** A build's images under its names (or once, nameless), as archives list them. */
export function namedImages(tags: string[], descriptor: Descriptor): ImageToSave[] {
  return tags.length > 0 ? tags.map((name) => ({ name, descriptor })) : [{ descriptor }];
}

/** `dest=-`: the standard output. */
export function destination(dest: string, stream: NodeJS.WritableStream = process.stdout): string | NodeJS.WritableStream {
  return dest === '-' ? stream : dest;
}

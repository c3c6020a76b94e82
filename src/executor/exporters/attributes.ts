// Attribute rules shared by several exporters: which are accepted, booleans, `dest=`, `name=`,
// compression.
import { TsbuildError } from '../../errors.js';
import type { ImageToSave, Descriptor } from '../../oci/index.js';
export type Compression = 'gzip' | 'uncompressed';

export interface CompressionOptions {
  compression?: Compression;
  compressionLevel?: number;
}

const usage = (message: string) => new TsbuildError('USAGE', message);

/** BuildKit's output attributes tsbuild does not implement: refused by name, never ignored. */
const NOT_IMPLEMENTED = new Set([
  'push-by-digest', 'insecure', 'dangling-name-prefix', 'name-canonical', 'force-compression', 'oci-artifact',
  'unpack', 'store', 'rewrite-timestamp', 'buildinfo', 'buildinfo-attrs', 'platform-split', 'context',
]);

/**
 * Refuses an `--output` attribute the exporter does not take: BuildKit's that tsbuild lacks are
 * named as such, `annotation.*` points at `--annotation`, any other is unknown. `oci-mediatypes=true`
 * is what tsbuild always writes.
 */
export function checkAttributes(fields: Record<string, string>, accepted: readonly string[]): void {
  const type = fields.type ?? '';
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'type' || accepted.includes(key)) continue;
    if (key === 'oci-mediatypes') {
      if (bool(value, true)) continue;
      throw usage(`output type=${type}: oci-mediatypes=false is not supported (tsbuild writes OCI media types)`);
    }
    if (key.startsWith('annotation')) {
      throw new TsbuildError('USAGE', `output type=${type}: "${key}" is not supported in an output; set annotations of the build instead`, { cliHint: '--annotation' });
    }
    if (NOT_IMPLEMENTED.has(key)) throw usage(`output type=${type}: attribute "${key}" is not supported yet`);
    throw usage(`output type=${type}: unknown attribute "${key}" (${accepted.join(', ')})`);
  }
}

/** `name=a,b`: the names the output gives the image, instead of the build's tags. */
export function outputNames(fields: Record<string, string>): { names?: string[] } {
  return fields.name ? { names: fields.name.split(',') } : {};
}

/** The names an archive gives the image: `name=` (normalized as `-t` names are), else the tags. */
export async function archiveNames(names: string[] | undefined, tags: string[]): Promise<string[]> {
  if (names === undefined) return tags;
  const { formatReference, parseReference } = await import('../../spec/reference.js');
  return names.map((name) => formatReference(parseReference(name)));
}

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

// Validating parsers for the JSON documents that arrive from outside (registries, archives,
// imported caches, the store itself): image manifests, indexes, configs and their descriptors.
// A document's digests become file names and URLs and its sizes bound downloads, so nothing in
// one is trusted until it has passed through here: digests must parse, sizes must be
// non-negative safe integers, media types must be strings. Unknown fields are kept as they are.
import { TsbuildError, type ErrorCode } from '../errors.js';
import { parseDigest } from './digest.js';
import { MediaType } from './media-types.js';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest } from './types.js';

/** Where a document came from (for messages) and which error code a bad one is reported with. */
export interface DocumentSource {
  where: string;
  code?: ErrorCode;
}

export function parseManifest(bytes: Buffer | string, source: DocumentSource): ImageManifest {
  const value = parseJsonObject(bytes, source, 'image manifest');
  if (!Array.isArray(value['layers']) || value['config'] === undefined) invalid(source, 'is not an image manifest (no config or layers)');
  checkMediaType(value['mediaType'], source, true);
  value['config'] = parseDescriptor(value['config'], { ...source, where: `${source.where}: config` });
  value['layers'] = (value['layers'] as unknown[]).map((layer, i) => parseDescriptor(layer, { ...source, where: `${source.where}: layer ${i}` }));
  if (value['subject'] !== undefined) value['subject'] = parseDescriptor(value['subject'], { ...source, where: `${source.where}: subject` });
  return value as unknown as ImageManifest;
}

export function parseIndex(bytes: Buffer | string, source: DocumentSource): ImageIndex {
  const value = parseJsonObject(bytes, source, 'image index');
  if (!Array.isArray(value['manifests'])) invalid(source, 'is not an image index (no manifests)');
  checkMediaType(value['mediaType'], source, true);
  value['manifests'] = (value['manifests'] as unknown[]).map((entry, i) => parseDescriptor(entry, { ...source, where: `${source.where}: manifest ${i}` }));
  return value as unknown as ImageIndex;
}

export function parseConfig(bytes: Buffer | string, source: DocumentSource): ImageConfig {
  const value = parseJsonObject(bytes, source, 'image config');
  const rootfs = value['rootfs'];
  if (rootfs !== undefined) {
    const diffIds = isObject(rootfs) ? rootfs['diff_ids'] : undefined;
    if (diffIds !== undefined && !Array.isArray(diffIds)) invalid(source, 'has a rootfs.diff_ids that is not a list');
    for (const [i, id] of (Array.isArray(diffIds) ? diffIds : []).entries()) {
      parseDigest(id, `${source.where}: diff_ids[${i}]`, source.code ?? 'STORE');
    }
  }
  return value as unknown as ImageConfig;
}

/**
 * What a manifest or index says it is: its `mediaType`, else the OCI index type when it has a
 * `manifests` list, else undefined (an OCI manifest need not name its type).
 */
export function declaredMediaType(bytes: Buffer | string, source: DocumentSource): string | undefined {
  const value = parseJsonObject(bytes, source, 'image manifest or index');
  checkMediaType(value['mediaType'], source, true);
  if (value['mediaType']) return value['mediaType'] as string;
  return Array.isArray(value['manifests']) ? MediaType.OciIndex : undefined;
}

/** A descriptor with a parsed digest, a sane size and a string media type. */
export function parseDescriptor(value: unknown, source: DocumentSource): Descriptor {
  if (!isObject(value)) invalid(source, 'is not a descriptor object');
  checkMediaType(value['mediaType'], source, false);
  parseDigest(value['digest'], source.where, source.code ?? 'STORE');
  parseSize(value['size'], source);
  return value as unknown as Descriptor;
}

/** A byte count from a document or header: a non-negative safe integer. */
export function parseSize(value: unknown, source: DocumentSource): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    invalid(source, `has an invalid size ${JSON.stringify(value)} (expected a non-negative integer)`);
  }
  return value;
}

/** A JSON object (not an array, not null) read from outside; what it holds is for the caller to check. */
export function parseJsonObject(bytes: Buffer | string, source: DocumentSource, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (error) {
    throw new TsbuildError(source.code ?? 'STORE', `${source.where}: ${what} is not valid JSON`, { cause: error });
  }
  if (!isObject(value)) invalid(source, `is not a JSON object (expected an ${what})`);
  return value;
}

function checkMediaType(value: unknown, source: DocumentSource, optional: boolean): void {
  if (value === undefined && optional) return;
  if (typeof value !== 'string') invalid(source, `has an invalid mediaType ${JSON.stringify(value)}`);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(source: DocumentSource, why: string): never {
  throw new TsbuildError(source.code ?? 'STORE', `${source.where} ${why}`);
}

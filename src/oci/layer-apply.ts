// Applies a layer tar stream (plain, gzip or zstd) to a directory, verifying its diffID on the way.
import { mkdirSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { DigestMismatchError, HashingStream } from '../oci/digest.js';
import type { Digest } from '../spec/index.js';
import { decompressed, type Compression } from '../oci/layer-apply-decompress.js';
import { EntryWriter, type ApplyMode, type TarEntry } from '../oci/layer-apply-entry.js';

export type { ApplyMode } from '../oci/layer-apply-entry.js';

export interface ApplyLayerOptions {
  mode: ApplyMode;
  /** The layer's diffID (sha256 of the uncompressed tar); a mismatch fails after the last byte. */
  expectedDiffId?: Digest;
  /** Accepted compressions; layers default to none, gzip and zstd. */
  compressions?: readonly Compression[];
  /** Overrides every entry's owner (ADD --chown). */
  owner?: { uid: number; gid: number };
  /** Told about entries' attributes that could not be kept. */
  onWarning?: (message: string) => void;
}

export interface ApplyLayerResult {
  diffId: Digest;
  /** Uncompressed size in bytes. */
  size: number;
  entries: number;
}

const LAYER_COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'zstd'];

/**
 * Unpacks `input` into `target` (created if missing). Entries are written in archive order; the
 * caller discards `target` when this rejects, because a failed layer leaves it half written.
 */
export async function applyLayer(target: string, input: Readable, options: ApplyLayerOptions): Promise<ApplyLayerResult> {
  mkdirSync(target, { recursive: true });
  const raw = await decompressed(input, options.compressions ?? LAYER_COMPRESSIONS);
  const hashing = new HashingStream();
  const extract = tar.extract();
  const feeding = pipeline(raw, hashing, extract);
  feeding.catch(() => undefined);
  const writer = new EntryWriter(target, { mode: options.mode, owner: options.owner, onWarning: options.onWarning });
  try {
    for await (const entry of extract) await writer.write(entry as unknown as TarEntry);
  } catch (error) {
    raw.destroy();
    throw error;
  }
  await feeding;
  writer.finish();
  const diffId = hashing.digest;
  if (options.expectedDiffId && options.expectedDiffId !== diffId) {
    throw new DigestMismatchError(options.expectedDiffId, diffId, 'layer diffID');
  }
  return { diffId, size: hashing.size, entries: writer.entries };
}

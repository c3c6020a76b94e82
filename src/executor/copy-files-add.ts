// ADD: local tar archives (plain, gzip, bzip2, xz, zstd) are unpacked into the destination; the rest is COPY.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { copyFiles, ensureDestinationDir, type CopyFilesOptions, type CopySource } from './copy-files.js';
import { lstatOrUndefined } from './copy-files-tree.js';
import { decompressed, type Compression, applyLayer, cleanEntryName, resolveInRoot } from '../oci/index.js';

export const ARCHIVE_COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'bzip2', 'xz', 'zstd'];

export interface AddSource {
  source: CopySource;
  origin: 'local' | 'remote';
}

export interface AddFilesOptions extends Omit<CopyFilesOptions, 'sources'> {
  sources: readonly AddSource[];
  /** `--unpack`: undefined = Docker's default (unpack local archives only). */
  unpack?: boolean;
}

/** Applies one ADD: archives are unpacked into dest (a directory), every other source is copied. */
export async function addFiles(options: AddFilesOptions): Promise<{ copied: number; unpacked: number }> {
  const destIsDir = options.destIsDir === true || options.sources.length > 1;
  let copied = 0;
  let unpacked = 0;
  for (const { source, origin } of options.sources) {
    const unpack = options.unpack ?? origin === 'local';
    const archive = unpack && source.kind === 'path' ? await archivePath(source) : undefined;
    if (archive) {
      await unpackArchive(archive, options);
      unpacked++;
    } else {
      copied += copyFiles({ ...options, sources: [source], destIsDir }).copied;
    }
  }
  return { copied, unpacked };
}

/** Extracts a tar archive into dest; entries keep their owners unless --chown is given. */
async function unpackArchive(archive: string, options: Omit<CopyFilesOptions, 'sources'>): Promise<void> {
  const target = ensureDestinationDir(options.rootfs, options.dest, options.chown);
  await applyLayer(target, createReadStream(archive, { highWaterMark: 1024 * 1024 }), {
    mode: 'plain',
    compressions: ARCHIVE_COMPRESSIONS,
    owner: options.chown,
  });
}

async function archivePath(source: Extract<CopySource, { kind: 'path' }>): Promise<string | undefined> {
  const path = resolveInRoot(source.root, cleanEntryName(source.relPath), true);
  if (!lstatOrUndefined(path)?.isFile()) return undefined;
  return (await isTarArchive(path)) ? path : undefined;
}

/** Whether `path` is a tar archive, possibly compressed: its first (decompressed) block is a tar header. */
export async function isTarArchive(path: string): Promise<boolean> {
  const head = readHead(path, 8);
  if (head.length === 0) return false;
  let stream: Readable;
  try {
    stream = await decompressed(createReadStream(path), ARCHIVE_COMPRESSIONS);
  } catch {
    return false;
  }
  const block = await firstBytes(stream, 512);
  return isTarHeader(block);
}

function readHead(path: string, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

async function firstBytes(stream: Readable, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      total += (chunk as Buffer).length;
      if (total >= length) break;
    }
  } catch {
    // a corrupt stream is simply not an archive
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, length);
}

/** A 512-byte ustar/v7 header whose checksum field matches its bytes. */
function isTarHeader(block: Buffer): boolean {
  if (block.length < 512) return false;
  const recorded = parseInt(block.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/g, '').trim(), 8);
  if (Number.isNaN(recorded)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return sum === recorded;
}

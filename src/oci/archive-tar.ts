// Writes plain tar files of named entries (JSON documents and blobs streamed from a store);
// used by the OCI-layout and docker-archive exporters.
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ContentStore } from './content-store.js';
import { encodeTarHeader, END_OF_ARCHIVE, padding } from './tar-header.js';
import { writeAtomically } from '../fs/index.js';
import type { Digest } from '../spec/index.js';

export type ArchiveEntry =
  | { kind: 'bytes'; name: string; bytes: Buffer }
  | { kind: 'blob'; name: string; digest: Digest; size: number }
  | { kind: 'directory'; name: string };

/** Fixed metadata for archive entries: the content, not the export time, defines the tar. */
const ENTRY_MTIME = 0;

/** Writes the archive to a stream, or to a file that appears only once complete. */
export async function writeTarArchive(store: ContentStore, entries: ArchiveEntry[], path: string | NodeJS.WritableStream): Promise<void> {
  if (typeof path !== 'string') return pipeline(Readable.from(archiveChunks(store, entries)), path);
  await writeAtomically(path, (temp) => pipeline(Readable.from(archiveChunks(store, entries)), createWriteStream(temp, { flags: 'wx' })));
}

async function* archiveChunks(store: ContentStore, entries: ArchiveEntry[]): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    switch (entry.kind) {
      case 'directory':
        yield encodeTarHeader({ name: entry.name, type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: ENTRY_MTIME });
        break;
      case 'bytes':
        yield encodeTarHeader({ name: entry.name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: entry.bytes.byteLength, mtime: ENTRY_MTIME });
        yield entry.bytes;
        yield padding(entry.bytes.byteLength);
        break;
      case 'blob':
        yield encodeTarHeader({ name: entry.name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: entry.size, mtime: ENTRY_MTIME });
        for await (const chunk of await store.open(entry.digest)) yield chunk as Buffer;
        yield padding(entry.size);
        break;
      default: {
        const unhandled: never = entry;
        return unhandled;
      }
    }
  }
  yield END_OF_ARCHIVE;
}

// `type=tar,dest=FILE|-`: the final rootfs as a tarball, with each attestation at its top as a
// statement file over the files in it; of a multi-platform build, one directory per platform
// (`linux_amd64/...`) holding both, as BuildKit's tar exporter writes it (attestation-files.ts).
import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { requiredDest } from './attributes.js';
import type { BuiltOutput, Exporter } from './exporter.js';
import type { StatementFile } from './attestation-files.js';
import type { LayerEntry } from '../../oci/index.js';

export interface TarOutput {
  type: 'tar';
  dest: string;
}

export const tarExporter: Exporter<TarOutput> = {
  attributes: ['dest'],
  parse: (fields) => ({ type: 'tar', dest: requiredDest(fields) }),

  async exportBuild({ dest }, built) {
    const { writeAtomically } = await import('../../fs/temp-path.js');
    if (dest === '-') await writeTar(built, process.stdout);
    else await writeAtomically(dest, (temp) => writeTar(built, createWriteStream(temp, { flags: 'wx' })));
    return [];
  },
};

async function writeTar({ images, withRootfs, sourceDateEpoch }: BuiltOutput, out: Writable): Promise<void> {
  const [{ tarChunks }, { walkLayerEntries }, { END_OF_ARCHIVE }, { statementFiles }] = await Promise.all([
    import('../../oci/layer-tar.js'), import('../../oci/layer-walk.js'), import('../../oci/tar-header.js'), import('./attestation-files.js'),
  ]);
  const several = images.length > 1;
  for (const image of images) {
    await withRootfs(image, async (rootfs) => {
      const statements = await statementFiles(rootfs, image.attestations);
      const entries = [...walkLayerEntries(rootfs, { mode: 'plain', sourceDateEpoch }), ...statements.map((file) => statementEntry(file, sourceDateEpoch))];
      const dir = image.platform.replaceAll('/', '_');
      const inArchive = several ? underDirectory(dir, entries, sourceDateEpoch ?? 0) : entries;
      await pipeline(Readable.from(tarChunks(inArchive, !several)), out, { end: false });
    });
  }
  if (several) out.write(END_OF_ARCHIVE);
  if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.once('error', reject).end(resolve));
}

/** A statement file as a tar entry of its own bytes (read from memory, not the rootfs). */
function statementEntry(file: StatementFile, sourceDateEpoch: number | undefined): LayerEntry {
  const bytes = Buffer.from(file.text);
  return {
    header: { name: file.name, type: 'file', mode: 0o600, uid: 0, gid: 0, size: bytes.length, mtime: sourceDateEpoch ?? Math.floor(Date.now() / 1000) },
    content: bytes,
  };
}

/** `entries` inside directory `dir` (mode 0755, mtime the epoch or 0, as BuildKit's platform dirs). */
function* underDirectory(dir: string, entries: Iterable<LayerEntry>, mtime: number): Generator<LayerEntry> {
  yield { header: { name: dir, type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, mtime } };
  for (const entry of entries) {
    const header = { ...entry.header, name: `${dir}/${entry.header.name}` };
    // A hard link names another archive path, which moved into the directory too.
    if (header.type === 'hardlink' && header.linkname !== undefined) header.linkname = `${dir}/${header.linkname}`;
    yield { ...entry, header };
  }
}

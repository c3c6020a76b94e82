// `type=tar,dest=FILE|-`: the final rootfs as a tarball; of a multi-platform build, one directory
// per platform (`linux_amd64/...`), as BuildKit's tar exporter writes it.
import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { requiredDest } from './attributes.js';
import type { BuiltOutput, Exporter } from './exporter.js';
import type { LayerEntry } from '../../oci/index.js';

export interface TarOutput {
  type: 'tar';
  dest: string;
}

export const tarExporter: Exporter<TarOutput> = {
  parse: (fields) => ({ type: 'tar', dest: requiredDest(fields) }),

  async exportBuild({ dest }, built) {
    const { writeAtomically } = await import('../../fs/temp-path.js');
    if (dest === '-') await writeTar(built, process.stdout);
    else await writeAtomically(dest, (temp) => writeTar(built, createWriteStream(temp, { flags: 'wx' })));
    return [];
  },
};

async function writeTar({ images, withRootfs, sourceDateEpoch }: BuiltOutput, out: Writable): Promise<void> {
  const [{ tarChunks }, { walkLayerEntries }, { END_OF_ARCHIVE }] = await Promise.all([
    import('../../oci/layer-tar.js'), import('../../oci/layer-walk.js'), import('../../oci/tar-header.js'),
  ]);
  const several = images.length > 1;
  for (const image of images) {
    await withRootfs(image, async (rootfs) => {
      const entries = walkLayerEntries(rootfs, { mode: 'plain', sourceDateEpoch });
      const dir = image.platform.replaceAll('/', '_');
      const inArchive = several ? underDirectory(dir, entries, sourceDateEpoch ?? 0) : entries;
      await pipeline(Readable.from(tarChunks(inArchive, !several)), out, { end: false });
    });
  }
  if (several) out.write(END_OF_ARCHIVE);
  if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.once('error', reject).end(resolve));
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

// `type=tar,dest=FILE|-`: the final rootfs as a tarball, with each attestation at its top as a
// statement file over the files in it, as BuildKit's tar exporter (attestation-files.ts).
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TsbuildError } from '../../errors.js';
import { requiredDest } from './attributes.js';
import type { Exporter } from './exporter.js';
import type { StatementFile } from './attestation-files.js';
import type { LayerEntry } from '../../oci/index.js';

export interface TarOutput {
  type: 'tar';
  dest: string;
}

export const tarExporter: Exporter<TarOutput> = {
  parse: (fields) => ({ type: 'tar', dest: requiredDest(fields) }),

  async exportBuild({ dest }, { images, withRootfs, sourceDateEpoch }) {
    if (images.length > 1) throw new TsbuildError('USAGE', 'type=tar of a multi-platform build is not supported yet');
    const [{ tarChunks }, { walkLayerEntries }, { writeAtomically }, { statementFiles }] = await Promise.all([
      import('../../oci/layer-tar.js'), import('../../oci/layer-walk.js'), import('../../fs/temp-path.js'), import('./attestation-files.js'),
    ]);
    await withRootfs(images[0], async (rootfs) => {
      const statements = await statementFiles(rootfs, images[0].attestations);
      const chunks = tarChunks([...walkLayerEntries(rootfs, { mode: 'plain', sourceDateEpoch }), ...statements.map((file) => statementEntry(file, sourceDateEpoch))]);
      if (dest === '-') await pipeline(Readable.from(chunks), process.stdout);
      else await writeAtomically(dest, (temp) => pipeline(Readable.from(chunks), createWriteStream(temp, { flags: 'wx' })));
    });
    return [];
  },
};

/** A statement file as a tar entry of its own bytes (read from memory, not the rootfs). */
function statementEntry(file: StatementFile, sourceDateEpoch: number | undefined): LayerEntry {
  const bytes = Buffer.from(file.text);
  return {
    header: { name: file.name, type: 'file', mode: 0o600, uid: 0, gid: 0, size: bytes.length, mtime: sourceDateEpoch ?? Math.floor(Date.now() / 1000) },
    content: bytes,
  };
}

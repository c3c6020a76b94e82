// `type=tar,dest=FILE|-`: the final rootfs as a tarball.
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TsbuildError } from '../../errors.js';
import { requiredDest } from './attributes.js';
import type { Exporter } from './exporter.js';

export interface TarOutput {
  type: 'tar';
  dest: string;
}

export const tarExporter: Exporter<TarOutput> = {
  parse: (fields) => ({ type: 'tar', dest: requiredDest(fields) }),

  async exportBuild({ dest }, { images, withRootfs, sourceDateEpoch }) {
    if (images.length > 1) throw new TsbuildError('USAGE', 'type=tar of a multi-platform build is not supported yet');
    const [{ tarChunks }, { walkLayerEntries }, { writeAtomically }] = await Promise.all([
      import('../../oci/layer-tar.js'), import('../../oci/layer-walk.js'), import('../../fs/temp-path.js'),
    ]);
    await withRootfs(images[0], async (rootfs) => {
      const chunks = tarChunks(walkLayerEntries(rootfs, { mode: 'plain', sourceDateEpoch }));
      if (dest === '-') await pipeline(Readable.from(chunks), process.stdout);
      else await writeAtomically(dest, (temp) => pipeline(Readable.from(chunks), createWriteStream(temp, { flags: 'wx' })));
    });
    return [];
  },
};

// `type=oci,dest=PATH[,tar=false]`: an OCI image layout, as a tar (default) or a directory.
// Also `tsbuild save --format oci|oci-dir`.
import { bool, compressionOptions, destination, namedImages, refuseUncompressed, requiredDest, type CompressionOptions } from './attributes.js';
import type { Exporter, StoredImages } from './exporter.js';

export type OciOutput = { type: 'oci'; dest: string; tar: boolean } & CompressionOptions;

export const ociExporter: Exporter<OciOutput> = {
  parse: (fields) => ({ type: 'oci', dest: requiredDest(fields), tar: bool(fields.tar, true), ...compressionOptions(fields) }),

  async exportBuild(output, { store, top, tags }) {
    refuseUncompressed('oci', output);
    await saveLayout(output, { store, images: namedImages(tags, top) });
    return [];
  },

  exportStored: saveLayout,

  saveFormats: {
    oci: { attributes: { tar: 'true' } },
    'oci-dir': { attributes: { tar: 'false' }, directory: true },
  },

  distributes: () => true,
};

async function saveLayout(output: OciOutput, { store, images, stream }: StoredImages): Promise<void> {
  const { saveOciArchive, saveOciDirectory } = await import('../../oci/archive-oci.js');
  if (output.tar) await saveOciArchive(store, images, destination(output.dest, stream));
  else await saveOciDirectory(store, images, output.dest);
}

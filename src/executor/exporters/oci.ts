// `type=oci,dest=PATH[,tar=false][,name=…]`: an OCI image layout, as a tar (default) or a directory.
// Also `tsbuild save --format oci|oci-dir`.
import { archiveNames, bool, compressionOptions, destination, namedImages, outputNames, refuseUncompressed, requiredDest, type CompressionOptions } from './attributes.js';
import type { Exporter, StoredImages } from './exporter.js';

export type OciOutput = { type: 'oci'; dest: string; tar: boolean; names?: string[] } & CompressionOptions;

export const ociExporter: Exporter<OciOutput> = {
  attributes: ['dest', 'tar', 'name', 'compression', 'compression-level'],
  parse: (fields) => ({ type: 'oci', dest: requiredDest(fields), tar: bool(fields.tar, true), ...outputNames(fields), ...compressionOptions(fields) }),

  async exportBuild(output, { store, top, tags }) {
    refuseUncompressed('oci', output);
    await saveLayout(output, { store, images: namedImages(await archiveNames(output.names, tags), top) });
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

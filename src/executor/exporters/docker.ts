// `type=docker,dest=PATH`: a docker-archive tarball (`docker load`) of a single-platform image.
// Also `tsbuild save --format docker`.
import { TsbuildError } from '../../errors.js';
import { compressionOptions, destination, namedImages, refuseUncompressed, requiredDest, type CompressionOptions } from './attributes.js';
import type { Exporter, StoredImages } from './exporter.js';

export type DockerOutput = { type: 'docker'; dest: string } & CompressionOptions;

export const dockerExporter: Exporter<DockerOutput> = {
  parse: (fields) => ({ type: 'docker', dest: requiredDest(fields), ...compressionOptions(fields) }),

  async exportBuild(output, { store, images, tags }) {
    refuseUncompressed('docker', output);
    if (images.length > 1) throw new TsbuildError('USAGE', 'type=docker holds one platform; use type=oci for a multi-platform image');
    await saveArchive(output, { store, images: namedImages(tags, images[0].descriptor) });
    return [];
  },

  exportStored: saveArchive,

  saveFormats: { docker: { attributes: {} } },
};

async function saveArchive(output: DockerOutput, { store, images, platform, stream }: StoredImages): Promise<void> {
  const { saveDockerArchive } = await import('../../oci/archive-docker.js');
  await saveDockerArchive(store, images, destination(output.dest, stream), platform);
}

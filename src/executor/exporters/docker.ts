// `type=docker,dest=PATH`: a docker-archive tarball (`docker load`) of a single-platform image.
// Without `dest`, the image is loaded into the local Docker engine (buildx's `--load`). Also
// `tsbuild save --format docker`. With attestations the tarball is also an OCI layout whose index
// holds them (BuildKit's docker exporter; an engine with the containerd image store keeps them).
import { TsbuildError } from '../../errors.js';
import { archiveNames, compressionOptions, destination, namedImages, outputNames, refuseUncompressed, type CompressionOptions } from './attributes.js';
import type { Exporter, StoredImages } from './exporter.js';
import type { ImageToSave } from '../../oci/index.js';

export type DockerOutput = {
  type: 'docker';
  /** The archive to write; none: load into the Docker engine (DOCKER_HOST or /var/run/docker.sock). */
  dest?: string;
  /** `--load`: when no engine answers, warn instead of failing (the image stays in the local store). */
  ifReachable?: boolean;
  /** `name=`: the names in the archive instead of the build's tags. */
  names?: string[];
} & CompressionOptions;

export const dockerExporter: Exporter<DockerOutput> = {
  attributes: ['dest', 'name', 'compression', 'compression-level'],
  parse: (fields) => ({ type: 'docker', ...(fields.dest ? { dest: fields.dest } : {}), ...outputNames(fields), ...compressionOptions(fields) }),

  async exportBuild(output, built) {
    const { store, images, emit, top } = built;
    const tags = await archiveNames(output.names, built.tags);
    refuseUncompressed('docker', output);
    if (images.length > 1) throw new TsbuildError('USAGE', 'type=docker holds one platform; use type=oci for a multi-platform image');
    const layout = images[0].attestations.length > 0 ? namedImages(tags, top) : undefined;
    const toSave = { store, images: namedImages(tags, images[0].descriptor), layout };
    if (output.dest !== undefined) {
      await saveArchive(output, toSave);
      return [];
    }
    const { dockerEngine, loadIntoDockerEngine, pingDockerEngine } = await import('./docker-engine.js');
    const engine = dockerEngine(built.dockerEngine);
    try {
      await pingDockerEngine(engine);
    } catch (error) {
      if (!output.ifReachable) throw error;
      emit({ type: 'warning', message: `not loaded into Docker: ${(error as Error).message}` });
      return [];
    }
    await loadIntoDockerEngine(engine, (body) => saveArchive({ ...output, dest: '-' }, { ...toSave, stream: body }));
    return [];
  },

  exportStored: saveArchive,

  saveFormats: { docker: { attributes: {} } },
};

/** `layout`: the image index (with its attestation manifests) the archive's index.json names. */
async function saveArchive(output: DockerOutput, { store, images, platform, stream, layout }: StoredImages & { layout?: ImageToSave[] }): Promise<void> {
  const { saveDockerArchive } = await import('../../oci/archive-docker.js');
  if (output.dest === undefined) throw new TsbuildError('USAGE', 'the docker format needs a file or a stream to write');
  await saveDockerArchive(store, images, destination(output.dest, stream), platform, layout);
}

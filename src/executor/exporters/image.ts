// `type=image[,name=N][,push=true]` (the default output): the image in the local store under its
// names, pushed to their registries when asked.
import { TsbuildError } from '../../errors.js';
import { bool, compressionOptions, type CompressionOptions } from './attributes.js';
import type { Exporter } from './exporter.js';

export type ImageOutput = { type: 'image'; push: boolean; names?: string[] } & CompressionOptions;

export const imageExporter: Exporter<ImageOutput> = {
  attributes: ['name', 'push', 'compression', 'compression-level'],
  parse: (fields) => ({ type: 'image', push: bool(fields.push, false), names: fields.name?.split(','), ...compressionOptions(fields) }),

  async exportBuild(output, { store, names: imageNames, registry, emit, top, tags }) {
    const { formatReference, parseReference } = await import('../../spec/reference.js');
    const names = output.names?.map((n) => formatReference(parseReference(n))) ?? tags;
    for (const name of names) await imageNames.set(name, top);
    // Like docker, an image built without a name stays reachable by its ID (`<none>` in images).
    if (names.length === 0 && !output.push) await imageNames.addUntagged(top);
    if (!output.push) return names;
    if (names.length === 0) throw new TsbuildError('USAGE', 'push needs a name: pass -t REGISTRY/REPO:TAG');
    const { pushImage } = await import('../../registry/push.js');
    for (const name of names) {
      await pushImage(name, {
        ...registry,
        store,
        names: imageNames,
        uncompressed: output.compression === 'uncompressed',
        onProgress: (p) => emit({ type: 'blob.progress', action: 'push', digest: p.digest, done: p.done, total: p.total }),
      });
    }
    return names;
  },

  distributes: (output) => output.push && output.compression !== 'uncompressed',
};

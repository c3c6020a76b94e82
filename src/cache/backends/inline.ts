// `--cache-to type=inline`: the build's cache records travel in the pushed image's config
// (inline-cache.ts), written by the build itself when it writes the image, so this backend has
// nothing to send. They are read back with `--cache-from IMAGE` (type=registry), as in BuildKit.
import { TsbuildError } from '../../errors.js';
import type { CacheBackendFactory } from '../backend.js';

export interface InlineCacheLocation {
  type: 'inline';
}

export const inlineCache: CacheBackendFactory<InlineCacheLocation> = {
  parseLocation(fields, flag) {
    const importing = flag === '--cache-from';
    if (importing) throw new TsbuildError('USAGE', `${flag} type=inline: name the image instead (type=registry,ref=IMAGE)`);
    // The image holds the layers of its own steps only, as in BuildKit.
    if (fields.mode === 'max') throw new TsbuildError('USAGE', `${flag} type=inline supports mode=min only`);
    return { type: 'inline' };
  },

  open() {
    return {
      description: 'inline',
      import: () => Promise.reject(new TsbuildError('USAGE', 'an inline cache is read as a cache import of type=registry,ref=IMAGE', {
        cliHint: '--cache-from type=registry,ref=IMAGE',
      })),
      // The records are in the image config already.
      export: () => Promise.resolve(),
    };
  },
};

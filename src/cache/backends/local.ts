// `type=local,src=DIR` / `type=local,dest=DIR`: the cache is an OCI image layout directory whose
// index names the cache manifest.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { TsbuildError } from '../../errors.js';
import { MediaType } from '../../spec/index.js';
import type { CacheBackendFactory } from '../backend.js';

export interface LocalCacheLocation {
  type: 'local';
  dir: string;
}

export const localCache: CacheBackendFactory<LocalCacheLocation> = {
  parseLocation(fields, flag) {
    const attribute = flag === '--cache-to' ? 'dest' : 'src';
    const dir = fields[attribute];
    if (!dir) throw new TsbuildError('USAGE', `${flag} type=local needs ${attribute}=DIR`);
    return { type: 'local', dir };
  },

  open({ dir }) {
    return {
      description: dir,
      async import(store) {
        // Loaded on use: the CLI parses cache flags without loading the layout code.
        const [{ layoutBlobPath, readLayoutIndex }, { parseManifest }, { parseCacheConfig }] = await Promise.all([
          import('../../oci/archive-oci.js'), import('../../spec/documents.js'), import('../cache-manifest.js'),
        ]);
        const descriptor = (await readLayoutIndex(dir)).manifests[0];
        if (!descriptor) throw new TsbuildError('NOT_FOUND', `${dir}: empty cache layout`);
        const manifest = parseManifest(await readFile(layoutBlobPath(dir, descriptor.digest)), { where: `${dir}: manifest ${descriptor.digest}` });
        const config = parseCacheConfig(await readFile(layoutBlobPath(dir, manifest.config.digest)), dir);
        return {
          config,
          fetchBlob: async (d) => {
            await store.put(await readFile(layoutBlobPath(dir, d.digest)), d.digest);
          },
        };
      },
      async export(store, { manifest, blobs }) {
        const { writeOciLayout } = await import('../../oci/archive-oci.js');
        await mkdir(path.dirname(path.resolve(dir)), { recursive: true });
        await writeOciLayout(store, dir, { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [manifest] }, [manifest, ...blobs]);
      },
    };
  },
};

// `type=gha[,scope=S][,url=URL][,token=T]`: the cache in the GitHub Actions cache service (the
// v2 protocol of ACTIONS_RESULTS_URL, as BuildKit's gha backend and @actions/cache speak it).
// The runner's URL and token come from the environment unless given (they are read when the
// cache is opened, so a location never holds the runner's token).
import { TsbuildError } from '../../errors.js';
import type { CacheBackend, CacheBackendFactory } from '../backend.js';

export interface GhaCacheLocation {
  type: 'gha';
  /** BuildKit's default scope is `buildkit`: tsbuild's entries have their own key prefix. */
  scope: string;
  url?: string;
  token?: string;
}

export const ghaCache: CacheBackendFactory<GhaCacheLocation> = {
  parseLocation(fields, flag) {
    const url = fields.url_v2 ?? fields.url;
    if (url !== undefined && !/^https?:\/\//.test(url)) throw new TsbuildError('USAGE', `${flag} type=gha: url must be an http:// or https:// URL, got "${url}"`);
    return { type: 'gha', scope: fields.scope || 'buildkit', ...(url ? { url } : {}), ...(fields.token ? { token: fields.token } : {}) };
  },

  open(location) {
    let backend: Promise<CacheBackend> | undefined;
    // Loaded on use: the CLI parses cache flags without loading the HTTP client.
    const connect = () => backend ??= import('./gha-storage.js').then(({ ghaBackend }) => ghaBackend(location, process.env));
    return {
      description: `gha scope ${location.scope}`,
      import: async (store) => (await connect()).import(store),
      export: async (store, artifact) => (await connect()).export(store, artifact),
    };
  },
};

// The build-cache backends by `type=` name. Adding one: a file beside these exporting a
// CacheBackendFactory, and its line here (docs/design/extending.md).
import { TsbuildError } from '../../errors.js';
import type { CacheBackend, CacheBackendEnv, CacheBackendFactory, CacheFlag } from '../backend.js';
import { ghaCache } from './gha.js';
import { inlineCache } from './inline.js';
import { localCache } from './local.js';
import { registryCache } from './registry.js';
import { s3Cache } from './s3.js';

export const cacheBackends = {
  registry: registryCache,
  local: localCache,
  s3: s3Cache,
  gha: ghaCache,
  inline: inlineCache,
} as const;

type Backends = typeof cacheBackends;
type LocationOf<F> = F extends CacheBackendFactory<infer L> ? L : never;

/** Where a build cache is shared: one backend's location (`{ type: 'registry', ref }`, ...). */
export type CacheLocation = { [Name in keyof Backends]: LocationOf<Backends[Name]> }[keyof Backends];

/** BuildKit's backends tsbuild does not have (yet): refused by name rather than as unknown. */
const NOT_YET = ['azblob'];

export function cacheBackendNames(): string[] {
  return Object.keys(cacheBackends);
}

function factoryFor(type: string | undefined): CacheBackendFactory<CacheLocation> | undefined {
  return type !== undefined && Object.hasOwn(cacheBackends, type)
    ? (cacheBackends[type as keyof Backends] as CacheBackendFactory<CacheLocation>)
    : undefined;
}

/** The location of `--cache-from` / `--cache-to` attributes (`type=` picks the backend). */
export function parseCacheLocation(fields: Record<string, string>, flag: CacheFlag): CacheLocation {
  const known = cacheBackendNames().join(', ');
  const factory = factoryFor(fields.type);
  if (factory) return factory.parseLocation(fields, flag);
  if (fields.type !== undefined && NOT_YET.includes(fields.type)) {
    throw new TsbuildError('USAGE', `${flag} type=${fields.type} is not supported by tsbuild yet (${known})`);
  }
  throw new TsbuildError('USAGE', `${flag}: unknown type "${fields.type ?? ''}" (${known})`);
}

export function openCacheBackend(location: CacheLocation, env: CacheBackendEnv): CacheBackend {
  const factory = factoryFor(location.type);
  if (!factory) throw new TsbuildError('USAGE', `unknown cache type "${String(location.type)}" (${cacheBackendNames().join(', ')})`);
  return factory.open(location, env);
}

// The contract of a build-cache backend (`--cache-to` / `--cache-from` `type=`): where an exported
// cache (one manifest, its config and layer blobs, see cache-manifest.ts) is written to and read
// back from. The backends are listed by name in backends/index.ts.
import type { ContentStore, Descriptor } from '../oci/index.js';
import type { RegistryClientOptions } from '../registry/index.js';
import type { CacheConfig } from './cache-manifest.js';

/** A cache as read from a backend: its config; its blobs are fetched into the store on demand. */
export interface RemoteCache {
  config: CacheConfig;
  fetchBlob(descriptor: Descriptor): Promise<void>;
}

/** A cache written to the store, ready for a backend to send: the manifest and every blob it names. */
export interface CacheArtifact {
  manifest: Descriptor;
  blobs: Descriptor[];
}

export interface CacheBackend {
  /** The location as users wrote it, for messages (`ref`, directory). */
  readonly description: string;
  /** Reads the cache's manifest and config (the config into `store`). */
  import(store: ContentStore): Promise<RemoteCache>;
  /** Sends the artifact's manifest and blobs, all held in `store`. */
  export(store: ContentStore, artifact: CacheArtifact): Promise<void>;
}

/** What a backend may need beyond its location: the build's registry settings. */
export interface CacheBackendEnv {
  registry: RegistryClientOptions;
}

/** The flag a location is parsed for: its attribute names and messages differ. */
export type CacheFlag = '--cache-from' | '--cache-to';

/** One table entry: how `type=NAME,...` attributes make a location, and a location a backend. */
export interface CacheBackendFactory<Location extends { type: string }> {
  /** The location from the flag's attributes (`ref=`, `src=`/`dest=`); throws a USAGE error when one is missing. */
  parseLocation(fields: Record<string, string>, flag: CacheFlag): Location;
  open(location: Location, env: CacheBackendEnv): CacheBackend;
}

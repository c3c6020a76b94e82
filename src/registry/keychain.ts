// Where registry credentials come from, as go-containerregistry's authn.Keychain: one method that
// answers for a registry host. The default reads Docker's config.json (and its credential helpers).
import { dockerConfigPath, findCredentials, type Credentials } from './credentials.js';

export interface Keychain {
  /** Credentials for `registry` (`localhost:5000`, `docker.io`); undefined means anonymous. */
  resolve(registry: string): Promise<Credentials | undefined>;
}

/** Docker's config.json at `configPath` (default `$DOCKER_CONFIG/config.json` or ~/.docker/config.json). */
export function dockerKeychain(configPath: string = dockerConfigPath()): Keychain {
  return { resolve: (registry) => findCredentials(registry, configPath) };
}

/** Fixed credentials per registry host; every other host is anonymous. */
export function staticKeychain(byRegistry: Record<string, Credentials>): Keychain {
  return { resolve: (registry) => Promise.resolve(byRegistry[registry]) };
}

/** The first keychain that knows the registry answers, as go-containerregistry's authn.NewMultiKeychain. */
export function multiKeychain(...keychains: Keychain[]): Keychain {
  return {
    async resolve(registry) {
      for (const keychain of keychains) {
        const found = await keychain.resolve(registry);
        if (found) return found;
      }
      return undefined;
    },
  };
}

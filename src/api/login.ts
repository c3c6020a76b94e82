// `login` and `logout`: credentials checked against a registry, kept in Docker's config.json
// (or its credential helper) as `docker login` keeps them.
import { TsbuildError } from '../errors.js';
import { RegistryClient, type RegistryOptions, eraseCredentials, storeCredentials, RegistryError } from '../registry/index.js';

/** `https://host:5000/v1/` -> `host:5000`; `index.docker.io` -> `docker.io`; nothing -> `docker.io`. */
export function registryHost(server: string | undefined): string {
  const host = (server ?? 'docker.io').replace(/^[a-z]+:\/\//i, '').split('/')[0] ?? '';
  if (!host) throw new TsbuildError('USAGE', `invalid registry "${server}"`);
  return ['index.docker.io', 'registry-1.docker.io'].includes(host) ? 'docker.io' : host;
}

export interface LoginOptions {
  /** Registry host or URL (default docker.io). */
  server?: string;
  username: string;
  password: string;
  /**
   * Insecure registries and the config.json to write (`dockerConfig`). No keychain: the
   * credentials checked are the ones given.
   */
  registry?: Omit<RegistryOptions, 'keychain'>;
}

/** Checks the credentials against the registry (`GET /v2/`), then saves them; resolves to the host. */
export async function login(options: LoginOptions): Promise<string> {
  const host = registryHost(options.server);
  if (!options.username) throw new TsbuildError('USAGE', 'login needs a user name');
  if (!options.password) throw new TsbuildError('USAGE', 'login needs a password');
  const credentials = { kind: 'basic' as const, username: options.username, password: options.password };
  await new RegistryClient(host, { ...options.registry, credentials }).ping().catch((error: unknown) => {
    if (error instanceof RegistryError && (error.status === 401 || error.status === 403)) {
      throw new TsbuildError('REGISTRY', `login to ${host} failed: incorrect username or password`, { cause: error });
    }
    throw error;
  });
  await storeCredentials(host, options.username, options.password, options.registry?.dockerConfig);
  return host;
}

export interface LogoutOptions {
  server?: string;
  registry?: Pick<RegistryOptions, 'dockerConfig'>;
}

/** Forgets the credentials saved for a registry; `removed` is false when there were none. */
export async function logout(options: LogoutOptions = {}): Promise<{ host: string; removed: boolean }> {
  const host = registryHost(options.server);
  return { host, removed: await eraseCredentials(host, options.registry?.dockerConfig) };
}

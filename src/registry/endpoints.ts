// Where a registry host is reached: https by default, plain http for loopback and insecure
// registries, docker.io through its API host and optional mirrors.
import { DEFAULT_DOMAIN } from '../spec/index.js';

export interface Endpoint {
  /** The registry name users type (`docker.io`, `localhost:5000`): used for credentials and messages. */
  registry: string;
  /** Scheme, host and port of the API, without `/v2`. */
  baseUrl: string;
  isMirror: boolean;
}

export interface EndpointOptions {
  /** Hosts (`host[:port]`) reached over plain http; `$TSBUILD_INSECURE_REGISTRIES` (comma-separated) adds more. */
  insecureRegistries?: string[];
  /** Mirrors of docker.io, like Docker's `registry-mirrors` (`https://mirror.example`), tried in order. */
  registryMirrors?: string[];
}

const DOCKER_HUB_API = 'registry-1.docker.io';

/** Loopback hosts use plain http, as Docker does. */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

export function insecureRegistries(options: EndpointOptions): Set<string> {
  const fromEnv = (process.env['TSBUILD_INSECURE_REGISTRIES'] ?? '').split(',').map((s) => s.trim());
  return new Set([...(options.insecureRegistries ?? []), ...fromEnv].filter(Boolean));
}

/** The endpoints to try for `registry`, mirrors first; pushes use only the last (the registry itself). */
export function endpointsFor(registry: string, options: EndpointOptions = {}): Endpoint[] {
  const insecure = insecureRegistries(options);
  const plain = isLoopbackHost(registry) || insecure.has(registry) || insecure.has(registry.replace(/:\d+$/, ''));
  const apiHost = registry === DEFAULT_DOMAIN ? DOCKER_HUB_API : registry;
  const origin: Endpoint = { registry, baseUrl: `${plain ? 'http' : 'https'}://${apiHost}`, isMirror: false };
  if (registry !== DEFAULT_DOMAIN) return [origin];
  const mirrors = (options.registryMirrors ?? []).map((url) => {
    const baseUrl = url.replace(/\/+$/, '');
    return { registry: new URL(baseUrl).host, baseUrl, isMirror: true };
  });
  return [...mirrors, origin];
}

// A client for one registry host: its endpoints (mirrors first for reads), credentials, one
// connection pool, and the manifest/blob/upload/tag operations of the distribution API.
import type { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import type { ContentStore, Descriptor, Digest } from '../oci/index.js';
import { repositoryScope } from './auth.js';
import { downloadBlob, headBlob } from './blobs.js';
import type { Credentials } from './credentials.js';
import { dockerKeychain, type Keychain } from './keychain.js';
import { endpointsFor, type EndpointOptions } from './endpoints.js';
import { getManifest, headManifest, putManifest, type FetchedManifest } from './manifests.js';
import { BodyLimit } from './bodies.js';
import { RegistryError } from './errors.js';
import { Transport, type RetryOptions, type TimeoutOptions } from './transport.js';
import { parseJsonObject } from '../spec/index.js';
import { uploadBlob, type UploadOptions, type UploadOutcome } from './uploads.js';

export interface RegistryClientOptions extends EndpointOptions, RetryOptions, TimeoutOptions {
  /** Credentials to use instead of the Docker config (e.g. `tsbuild login` verifying them). */
  credentials?: Credentials;
  /** Where credentials come from (default: Docker's config.json at `dockerConfig`). */
  keychain?: Keychain;
  /** Path of Docker's config.json (default `$DOCKER_CONFIG/config.json` or ~/.docker/config.json). */
  dockerConfig?: string;
  /** Blobs above this size are uploaded in chunks of it. */
  chunkSize?: number;
  dispatcher?: Dispatcher;
}

/** What a caller chooses about registries: which are reached over http, docker.io mirrors, credentials. */
export type RegistryOptions = Pick<RegistryClientOptions, 'insecureRegistries' | 'registryMirrors' | 'keychain' | 'dockerConfig'>;

let sharedAgent: Agent | undefined;

function defaultDispatcher(): Agent {
  sharedAgent ??= new Agent({ connections: 16, keepAliveTimeout: 10_000 });
  return sharedAgent;
}

export class RegistryClient {
  /** Endpoint transports for reads, mirrors first; the last one is the registry itself. */
  private readonly transports: Transport[];

  constructor(readonly registry: string, private readonly options: RegistryClientOptions = {}) {
    const keychain = options.keychain ?? dockerKeychain(options.dockerConfig);
    const dispatcher = options.dispatcher ?? defaultDispatcher();
    this.transports = endpointsFor(registry, options).map((endpoint) => {
      let cached: Promise<Credentials | undefined> | undefined;
      const credentials = () => {
        if (options.credentials && !endpoint.isMirror) return Promise.resolve(options.credentials);
        cached ??= keychain.resolve(endpoint.registry);
        return cached;
      };
      return new Transport(endpoint, credentials, dispatcher, options);
    });
  }

  private get origin(): Transport {
    return this.transports[this.transports.length - 1] as Transport;
  }

  /** Runs a read on each endpoint in turn (mirrors first) until one succeeds. */
  private async read<T>(operation: (t: Transport) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (const transport of this.transports) {
      try {
        return await operation(transport);
      } catch (error) {
        if (!transport.endpoint.isMirror) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  /** Checks that the registry answers and accepts our credentials (`GET /v2/`). */
  async ping(): Promise<void> {
    const response = await this.origin.expect({ method: 'GET', url: '/v2/', scopes: [], what: 'login' }, 200);
    await response.body.dump();
  }

  getManifest(repo: string, reference: string): Promise<FetchedManifest> {
    return this.read((t) => getManifest(t, repo, reference));
  }

  headManifest(repo: string, reference: string): Promise<Descriptor | undefined> {
    return this.read((t) => headManifest(t, repo, reference));
  }

  putManifest(repo: string, reference: string, descriptor: Descriptor, bytes: Buffer): Promise<void> {
    return putManifest(this.origin, repo, reference, descriptor, bytes);
  }

  headBlob(repo: string, digest: Digest): Promise<number | undefined> {
    return this.read((t) => headBlob(t, repo, digest));
  }

  /** Streams a blob into the store, verified by digest; resumes broken downloads. */
  fetchBlob(repo: string, descriptor: Descriptor, store: ContentStore, onBytes?: (done: number) => void): Promise<void> {
    return this.read((t) => downloadBlob(t, repo, descriptor, store, onBytes));
  }

  uploadBlob(repo: string, descriptor: Descriptor, open: () => Promise<Readable>, options: UploadOptions = {}): Promise<UploadOutcome> {
    return uploadBlob(this.origin, repo, descriptor, open, { chunkSize: this.options.chunkSize, ...options });
  }

  /** Every tag of a repository, following `Link` pagination (`pageSize` sets `?n=`). */
  async listTags(repo: string, pageSize?: number): Promise<string[]> {
    const tags: string[] = [];
    let url: string | undefined = `/v2/${repo}/tags/list${pageSize ? `?n=${pageSize}` : ''}`;
    const t = this.origin;
    while (url) {
      const what = `tags of ${repo}`;
      const { response, bytes } = await t.fetch({ method: 'GET', url, scopes: [repositoryScope(repo, false)], what }, BodyLimit.tags, 200);
      const page = parseTagsPage(bytes, t.registry, what);
      tags.push(...(page.tags ?? []));
      const link = response.headers['link'];
      const next = typeof link === 'string' ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined;
      url = next ? t.resolve(next).href : undefined;
    }
    return tags;
  }
}

function parseTagsPage(bytes: Buffer, registry: string, what: string): { tags?: string[] | null } {
  try {
    const tags = parseJsonObject(bytes, { where: what, code: 'REGISTRY' }, 'tag list')['tags'];
    if (tags === undefined || tags === null) return { tags };
    if (Array.isArray(tags) && tags.every((tag): tag is string => typeof tag === 'string')) return { tags };
  } catch {
    // reported below
  }
  throw new RegistryError(`${registry}: ${what}: the answer is not a tag list`, { registry });
}

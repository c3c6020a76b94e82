// Base images for FROM and `--from=image`: taken from the local store when named there (unless
// --pull), otherwise pulled for the requested platform. Each reference resolves once per build:
// planning pulls the manifest and config, the FROM step the layers (`pullLayers`).
import { TsbuildError } from '../errors.js';
import type { ContentStore, Descriptor, ImageNames, Lease, Platform } from '../oci/index.js';
import { platformOf, resolveImage, type ResolvedImage } from '../oci/index.js';
import { formatPlatform, platformRank, formatReference, parseReference } from '../spec/index.js';
import type { PulledManifest, PullOptions, RegistryClient, RegistryClientOptions } from '../registry/index.js';
import type { Emit } from './events.js';

export interface BaseImagesOptions {
  store: ContentStore;
  names: ImageNames;
  /** The build's lease: a base image's blobs are leased once resolved (so `rmi` cannot take them). */
  lease?: Lease;
  /** Re-resolve from the registry even when the store has the name. */
  pull: boolean;
  /** Mirrors, insecure registries, credentials of the pulls. */
  registry?: RegistryClientOptions;
  onEvent: Emit;
}

export class BaseImages {
  private readonly resolved = new Map<string, Promise<ResolvedImage>>();
  /** Names stored locally for another platform only, for the error when the pull fails too. */
  private readonly storedElsewhere = new Map<string, string>();
  /** Images given by reference for this build (`--build-context name=oci-layout://…`), already stored. */
  private readonly provided = new Map<string, Descriptor>();
  /** Images pulled without their layers yet (by name and platform), and the pull of their layers once started. */
  private readonly manifestsOnly = new Map<string, { pulled: PulledManifest; layers?: Promise<void> }>();
  private readonly clients = new Map<string, Promise<RegistryClient>>();

  constructor(private readonly options: BaseImagesOptions) {}

  resolve(reference: string, platform: Platform): Promise<ResolvedImage> {
    const name = formatReference(parseReference(reference));
    const key = `${name} ${formatPlatform(platform)}`;
    let promise = this.resolved.get(key);
    if (!promise) {
      promise = this.load(name, platform);
      this.resolved.set(key, promise);
    }
    return promise;
  }

  /** Makes `reference` resolve to the stored `descriptor` (an index or a manifest), never pulled. */
  provide(reference: string, descriptor: Descriptor): void {
    this.provided.set(formatReference(parseReference(reference)), descriptor);
  }

  /**
   * The layers of `reference` for `platform`, fetched when resolving it pulled only its manifest
   * and config (the name is set then); their transfers are reported under the step `stepId`.
   */
  pullLayers(reference: string, platform: Platform, stepId: string): Promise<void> {
    const key = `${formatReference(parseReference(reference))} ${formatPlatform(platform)}`;
    const pending = this.manifestsOnly.get(key);
    if (!pending) return Promise.resolve();
    pending.layers ??= this.fetchLayers(pending.pulled, platform, stepId).catch((error: unknown) => {
      throw this.failure(`failed to pull the layers of base image ${pending.pulled.name} for ${formatPlatform(platform)}`, error);
    });
    return pending.layers;
  }

  private async load(name: string, platform: Platform): Promise<ResolvedImage> {
    const provided = this.provided.get(name);
    if (provided) {
      const resolved = await resolveImage(this.options.store, provided, platform);
      if (!(await this.leaseStored(resolved))) throw new TsbuildError('NOT_FOUND', `the blobs of ${name} were removed during the build`);
      return resolved;
    }
    if (!this.options.pull) {
      const local = await this.fromStore(name, platform);
      if (local) return local;
    }
    // BuildKit's "load metadata for": the manifest and config; the FROM step pulls the layers.
    const label = { stepId: `pull ${name} ${formatPlatform(platform)}`, name: `[internal] load metadata for ${name}` };
    const started = Date.now();
    const emit = this.options.onEvent;
    emit({ type: 'step.started', ...label });
    try {
      const pulled = await this.pullManifest(name, platform, label.stepId);
      const resolved = await resolveImage(this.options.store, { ...pulled.descriptor }, platform);
      if (!(await this.leaseStored(resolved, 'metadata'))) throw new TsbuildError('NOT_FOUND', `the manifest of ${name} was removed while it was pulled`);
      // Layers the store already has need no step to pull them: the pull is complete, the name set.
      const pending = { pulled, layers: (await this.hasLayers(resolved)) ? this.fetchLayers(pulled, platform) : undefined };
      await pending.layers;
      this.manifestsOnly.set(`${name} ${formatPlatform(platform)}`, pending);
      emit({ type: 'step.done', ...label, durationMs: Date.now() - started });
      return resolved;
    } catch (error) {
      emit({ type: 'step.failed', ...label, durationMs: Date.now() - started, error: error instanceof Error ? error.message : String(error) });
      const local = this.storedElsewhere.get(name);
      const note = local ? ` (the local store has it for ${local} only)` : '';
      throw this.failure(`failed to resolve base image ${name} for ${formatPlatform(platform)}${note}`, error);
    }
  }

  private async pullManifest(name: string, platform: Platform, stepId: string): Promise<PulledManifest> {
    const { pullManifest } = await import('../registry/pull.js');
    return pullManifest(name, { ...this.pullOptions(platform, stepId), client: await this.client(name) });
  }

  /** The layers' pull; `stepId` the step its transfers are reported under (none: not reported). */
  private async fetchLayers(pulled: PulledManifest, platform: Platform, stepId?: string): Promise<void> {
    const { pullLayers } = await import('../registry/pull.js');
    await pullLayers(pulled, { ...this.pullOptions(platform, stepId), client: await this.client(pulled.name) });
  }

  /** The pull's settings; its transfers reported under the step `stepId`, when given. */
  private pullOptions(platform: Platform, stepId: string | undefined): PullOptions {
    const emit = this.options.onEvent;
    return {
      ...this.options.registry,
      store: this.options.store,
      names: this.options.names,
      platform,
      ...(stepId === undefined ? {} : {
        onProgress: (p) => emit({ type: 'blob.progress', action: 'pull', digest: p.digest, done: p.done, total: p.total, stepId }),
      }),
    };
  }

  /** One client per registry host: both halves of a pull share its connections and token. */
  private client(name: string): Promise<RegistryClient> {
    const domain = parseReference(name).domain;
    let client = this.clients.get(domain);
    if (!client) {
      client = import('../registry/client.js').then(({ RegistryClient }) => new RegistryClient(domain, this.options.registry));
      this.clients.set(domain, client);
    }
    return client;
  }

  /** A TsbuildError keeps its code, prefixed with what failed; anything else is a bug, passed on. */
  private failure(what: string, error: unknown): unknown {
    return error instanceof TsbuildError ? new TsbuildError(error.code, `${what}: ${error.message}`, { cause: error }) : error;
  }

  private async hasLayers(resolved: ResolvedImage): Promise<boolean> {
    for (const layer of resolved.manifest.layers) if (!(await this.options.store.has(layer.digest))) return false;
    return true;
  }

  /**
   * Leases the image's blobs (layers too, when only its metadata is stored yet); false when some
   * that should be stored were removed (by `rmi` or prune) before that.
   */
  private async leaseStored(resolved: ResolvedImage, stored: 'all' | 'metadata' = 'all'): Promise<boolean> {
    const metadata = [resolved.descriptor, resolved.manifest.config, ...(resolved.index ? [resolved.index.descriptor] : [])];
    await this.options.lease?.add([...metadata, ...resolved.manifest.layers].map((d) => ({ kind: 'blob' as const, id: d.digest })));
    for (const blob of stored === 'all' ? [...metadata, ...resolved.manifest.layers] : metadata) {
      if (!(await this.options.store.has(blob.digest))) return false;
    }
    return true;
  }

  /** The stored image for this platform, or undefined when the store lacks it (or that platform). */
  private async fromStore(name: string, platform: Platform): Promise<ResolvedImage | undefined> {
    const named = await this.options.names.get(name);
    if (!named) return undefined;
    try {
      const resolved = await resolveImage(this.options.store, named.descriptor, platform);
      if (!(await this.leaseStored(resolved))) return undefined;
      // A single-platform image stored for another platform is no base for this one: pull.
      if (!resolved.index && platformRank(platform, platformOf(resolved.config)) === undefined) {
        this.storedElsewhere.set(name, formatPlatform(platformOf(resolved.config)));
        return undefined;
      }
      return resolved;
    } catch (error) {
      if (error instanceof TsbuildError && (error.code === 'NOT_FOUND' || error.code === 'STORE')) return undefined;
      throw error;
    }
  }
}

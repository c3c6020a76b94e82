// Base images for FROM and `--from=image`: taken from the local store when named there (unless
// --pull), otherwise pulled for the requested platform. Each reference resolves once per build.
import { TsbuildError } from '../errors.js';
import type { ContentStore, Descriptor, ImageNames, Lease, Platform } from '../oci/index.js';
import { platformOf, resolveImage, type ResolvedImage } from '../oci/index.js';
import { formatPlatform, platformRank, formatReference, parseReference } from '../spec/index.js';
import type { RegistryClientOptions } from '../registry/index.js';
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
    const { pullImage } = await import('../registry/pull.js');
    // The pull is a step of its own (BuildKit's "load metadata for"): its transfers show and are timed under it.
    const label = { stepId: `pull ${name} ${formatPlatform(platform)}`, name: `[internal] load metadata for ${name}` };
    const started = Date.now();
    const emit = this.options.onEvent;
    emit({ type: 'step.started', ...label });
    try {
      const pulled = await pullImage(name, {
        ...this.options.registry,
        store: this.options.store,
        names: this.options.names,
        platform,
        onProgress: (p) => emit({ type: 'blob.progress', action: 'pull', digest: p.digest, done: p.done, total: p.total, stepId: label.stepId }),
      });
      const resolved = await resolveImage(this.options.store, { ...pulled.descriptor }, platform);
      if (!(await this.leaseStored(resolved))) throw new TsbuildError('NOT_FOUND', `the layers of ${name} were removed while it was pulled`);
      emit({ type: 'step.done', ...label, durationMs: Date.now() - started });
      return resolved;
    } catch (error) {
      emit({ type: 'step.failed', ...label, durationMs: Date.now() - started, error: error instanceof Error ? error.message : String(error) });
      if (error instanceof TsbuildError) {
        const local = this.storedElsewhere.get(name);
        const note = local ? ` (the local store has it for ${local} only)` : '';
        throw new TsbuildError(error.code, `failed to resolve base image ${name} for ${formatPlatform(platform)}${note}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  /** Leases the image's blobs; false when some were removed (by `rmi` or prune) before that. */
  private async leaseStored(resolved: ResolvedImage): Promise<boolean> {
    const blobs = [resolved.descriptor, resolved.manifest.config, ...resolved.manifest.layers, ...(resolved.index ? [resolved.index.descriptor] : [])];
    await this.options.lease?.add(blobs.map((d) => ({ kind: 'blob' as const, id: d.digest })));
    for (const blob of blobs) if (!(await this.options.store.has(blob.digest))) return false;
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

// What every part of one build reads and nothing changes: the options, the stores under the root,
// the registry settings, the progress sink, base images and the scanned build context. What the
// build produces as it goes lives in BuildState (state.ts).
import path from 'node:path';
import type { ContextEntry } from '../context/index.js';
import { CacheRecordStore } from '../cache/index.js';
import { StatCache } from '../context/index.js';
import { TsbuildError } from '../errors.js';
import { DiskContentStore, ImageNames, Lease, openRoot, resolveRoot, type RootLayout } from '../oci/index.js';
import type { RegistryClientOptions } from '../registry/index.js';
import type { SandboxBackend } from '../runtime-shim/index.js';
import { BaseImages } from './base-images.js';
import { stampingEmitter, type Emit } from './events.js';
import type { BuildOptions } from './options.js';
import { SnapshotStore } from '../snapshots/index.js';
import { sweepLeftovers } from './sweep.js';
import { defaultDockerfilePath } from '../planner/index.js';

/** A directory COPY reads with its .dockerignore applied: the build context or a `--build-context` directory. */
export interface ContextSource {
  readonly dir: string;
  /** The non-ignored entries, file hashes filled lazily; scanned on first use. */
  entries(): Promise<ContextEntry[]>;
}

export interface BuildContext {
  readonly options: BuildOptions;
  readonly layout: RootLayout;
  /** What this build uses (records, snapshots, cache mounts, blobs), kept from GC until it ends. */
  readonly lease: Lease;
  readonly store: DiskContentStore;
  readonly names: ImageNames;
  readonly snapshots: SnapshotStore;
  readonly records: CacheRecordStore;
  readonly baseImages: BaseImages;
  /** Settings of every registry client the build makes (base images, push, cache). */
  readonly registry: RegistryClientOptions;
  readonly contextDir: string;
  readonly dockerfilePath: string;
  readonly emit: Emit;
  /** ISO time stamped into history and config (`SOURCE_DATE_EPOCH` when given). */
  readonly created: string;
  /** The context's non-ignored entries, file hashes filled lazily; scanned on first use. */
  contextEntries(): Promise<ContextEntry[]>;
  /** The build context (no name), or the `--build-context name=<directory>` of that name. */
  contextSource(name?: string): ContextSource;
  /** The sandbox backend, chosen on first RUN. */
  sandbox(): Promise<SandboxBackend>;
  /** The root's stat cache (path + stat -> content hash), saved when the build ends. */
  statCache(): StatCache;
  /** Writes the stat cache back, if this build loaded it. */
  saveStatCache(): void;
}

export async function openBuildContext(options: BuildOptions, created: string): Promise<BuildContext> {
  const layout = await openRoot(options.root ?? resolveRoot());
  const store = await DiskContentStore.open(layout.root);
  const names = new ImageNames(layout);
  const emit = stampingEmitter(options.onEvent);
  const registry = options.registry ?? {};
  const contextDir = path.resolve(options.context);
  const dockerfilePath = path.resolve(options.dockerfile ?? defaultDockerfilePath(contextDir));
  const snapshots = new SnapshotStore(layout.root, { onWarning: (message) => emit({ type: 'warning', message }) });
  // What a killed build left (mounted views, scratch dirs, half-unpacked layers, temp blobs) goes first.
  await sweepLeftovers(layout, snapshots, store);
  const lease = await Lease.create(layout);
  let scanned: Promise<ContextEntry[]> | undefined;
  let statCache: StatCache | undefined;
  const contextEntries = () => (scanned ??= scanContextOnce(contextDir, dockerfilePath));
  const sources = new Map<string | undefined, ContextSource>([[undefined, { dir: contextDir, entries: contextEntries }]]);
  for (const [name, named] of Object.entries(options.buildContexts ?? {})) {
    if (!('dir' in named)) continue;
    const dir = path.resolve(named.dir);
    let entries: Promise<ContextEntry[]> | undefined;
    // Only the directory's own .dockerignore applies (BuildKit reads it from the named context).
    sources.set(name, { dir, entries: () => (entries ??= scanContextOnce(dir)) });
  }
  let backend: Promise<SandboxBackend> | undefined;
  return {
    options,
    layout,
    lease,
    store,
    names,
    snapshots,
    records: CacheRecordStore.at(layout.root),
    baseImages: new BaseImages({ store, names, lease, registry, pull: options.pull ?? false, onEvent: emit }),
    registry,
    contextDir,
    dockerfilePath,
    emit,
    created,
    contextEntries,
    contextSource: (name) => {
      const source = sources.get(name);
      if (!source) throw new TsbuildError('INTERNAL', `no --build-context directory named ${name ?? '(none)'}`);
      return source;
    },
    // Loaded on the first context hash: builds that copy nothing from the context never read it.
    statCache: () => (statCache ??= StatCache.forRoot(layout.root)),
    saveStatCache: () => statCache?.save(),
    sandbox: () =>
      (backend ??= import('../runtime-shim/select.js').then(({ selectBackend }) => selectBackend(options.runtime ?? 'auto'))),
  };
}

/** Walks the context once; files are hashed later, only those a step selects. */
async function scanContextOnce(contextDir: string, dockerfilePath?: string): Promise<ContextEntry[]> {
  const { loadIgnoreRules } = await import('../context/dockerignore.js');
  const { walkContext } = await import('../context/index.js');
  const matcher = await loadIgnoreRules(contextDir, dockerfilePath);
  return walkContext(contextDir, matcher);
}

/** Hashes the given entries of `dir` (default the build context) through the root's persistent stat cache. */
export async function hashSelected(ctx: BuildContext, entries: ContextEntry[], dir = ctx.contextDir): Promise<void> {
  const { hashContextFiles } = await import('../context/hash.js');
  hashContextFiles(dir, entries, { statCache: ctx.statCache() });
}

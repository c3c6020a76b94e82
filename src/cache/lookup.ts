// The one place a build asks for a cached step: the root's own records first, then the records of
// the caches imported with --cache-from (whose layer is fetched on the first hit, and the record
// then kept locally, so the next build needs no import). Imported cache-mount contents too.
import { rename, rm } from 'node:fs/promises';
import { tempPathBeside } from '../fs/index.js';
import type { ContentStore, Lease, Descriptor } from '../oci/index.js';
import { applyLayer, uncompressedLayer } from '../oci/index.js';
import type { CacheBackend } from './backend.js';
import type { CacheKeyParts } from './keys.js';
import type { CacheRecord, CacheRecordStore, StepResultRecord } from './records.js';

interface ImportedRecord {
  result: StepResultRecord;
  fetchBlob(descriptor: Descriptor): Promise<void>;
}

/** Unpacks an imported cache mount's contents into an absent directory. */
export type RestoreMount = (dir: string) => Promise<void>;

export interface CacheLookupOptions {
  records: CacheRecordStore;
  store: ContentStore;
  /** The build's lease: a local record and its layer are leased before they are checked. */
  lease?: Lease;
}

export class CacheLookup {
  private readonly imported = new Map<string, ImportedRecord>();
  private readonly mounts = new Map<string, RestoreMount>();

  constructor(private readonly options: CacheLookupOptions) {}

  /**
   * Reads each cache in order (an earlier one wins for a key). A cache that cannot be read is
   * reported to `onSkipped` and left out: a missing cache is normal on a first build, as in BuildKit.
   */
  async importFrom(backends: CacheBackend[], onSkipped: (message: string) => void): Promise<void> {
    for (const backend of backends) {
      try {
        const { config, fetchBlob } = await backend.import(this.options.store);
        for (const record of config.records) if (!this.imported.has(record.key)) this.imported.set(record.key, { result: record.result, fetchBlob });
        for (const mount of config.mounts ?? []) {
          if (!this.mounts.has(mount.id)) this.mounts.set(mount.id, (dir) => this.restoreMount(mount.layer, fetchBlob, dir));
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        onSkipped(`cache import from ${backend.description} skipped: ${message}`);
      }
    }
  }

  /**
   * A record for `key` whose layer is in the store: a local record while its layer is still
   * stored; an imported one once its layer is fetched (then recorded locally with `meta`).
   */
  async find(key: string, meta: { identity: string; parts: CacheKeyParts }): Promise<CacheRecord | undefined> {
    const { records, store, lease } = this.options;
    const record = await records.get(key);
    if (record) {
      // Leased before checking its blob: GC cannot take either from now on.
      const blob = record.result.layer?.digest;
      await lease?.add([{ kind: 'record', id: key }, ...(blob ? [{ kind: 'blob' as const, id: blob }] : [])]);
      if (!blob || (await store.has(blob))) return record;
    }
    const imported = this.imported.get(key);
    if (!imported) return undefined;
    const layer = imported.result.layer;
    let result = imported.result;
    if (layer) {
      if (!(await store.has(layer.digest))) await imported.fetchBlob({ mediaType: layer.mediaType, digest: layer.digest, size: layer.size });
      // Kept as the build that exported it kept it (uncompressed): the same image, manifest included.
      const local = await uncompressedLayer(store, layer, layer.diffId);
      result = { ...result, layer: { ...local, diffId: layer.diffId } };
    }
    const local: CacheRecord = { key, ...meta, result, createdAt: new Date().toISOString() };
    await records.put(local);
    return local;
  }

  /** How to fill the cache mount `id` from an imported cache, if one carried it. */
  importedMount(id: string): RestoreMount | undefined {
    return this.mounts.get(id);
  }

  private async restoreMount(layer: Descriptor, fetchBlob: (d: Descriptor) => Promise<void>, dir: string): Promise<void> {
    const { store } = this.options;
    if (!(await store.has(layer.digest))) await fetchBlob(layer);
    const temp = tempPathBeside(dir);
    try {
      await applyLayer(temp, await store.open(layer.digest), { mode: 'plain' });
      await rename(temp, dir);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
  }
}

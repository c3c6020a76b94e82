// --cache-to / --cache-from: exports this build's cache records with their layers to a registry
// or a local OCI layout, and imports them so that a fresh machine reuses them, fetching only the
// layers of the steps that hit.
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  cacheConfig, cacheLayers, cacheManifest, parseCacheConfig, CACHE_CONFIG_MEDIA_TYPE, type ExportedCacheMount, type ExportedRecord,
} from '../cache/cache-manifest.js';
import { compressedLayer } from '../oci/distribution.js';
import { writeLayer } from '../oci/layer.js';
import { applyLayer } from '../oci/layer-apply.js';
import type { StepResultRecord } from '../cache/records.js';
import { TsbuildError } from '../errors.js';
import { digestHex } from '../oci/digest.js';
import { parseIndex, parseManifest } from '../spec/documents.js';
import { putJson } from '../oci/image.js';
import { manifestReference, parseReference } from '../spec/reference.js';
import type { Descriptor, Digest, ImageIndex, ImageManifest } from '../oci/types.js';
import { tempPathBeside } from '../fs/temp-path.js';
import type { CacheExportSpec, CacheLocation } from './options.js';
import type { BuildSession } from './session.js';

/** The imported contents of a cache mount; `restore` unpacks them into an absent directory. */
export interface ImportedCacheMount {
  restore(dir: string): Promise<void>;
}

/** A record from an imported cache; `fetchLayer` brings its blob into the local store. */
export interface ImportedRecord {
  result: StepResultRecord;
  fetchLayer(descriptor: Descriptor): Promise<void>;
}

export async function importCaches(session: BuildSession, locations: CacheLocation[]): Promise<Map<string, ImportedRecord>> {
  const imported = new Map<string, ImportedRecord>();
  for (const location of locations) {
    try {
      const { records, mounts, fetchLayer } = await readCache(session, location);
      for (const record of records) if (!imported.has(record.key)) imported.set(record.key, { result: record.result, fetchLayer });
      for (const mount of mounts) {
        if (session.importedCacheMounts.has(mount.id)) continue;
        session.importedCacheMounts.set(mount.id, { restore: (dir) => restoreMount(session, mount.layer, fetchLayer, dir) });
      }
    } catch (error) {
      // A missing cache is normal on a first build: say so and build without it, like BuildKit.
      const message = error instanceof Error ? error.message : String(error);
      session.emit({ type: 'warning', message: `cache import from ${describe(location)} skipped: ${message}` });
    }
  }
  return imported;
}

async function readCache(
  session: BuildSession, location: CacheLocation,
): Promise<{ records: ExportedRecord[]; mounts: ExportedCacheMount[]; fetchLayer: (d: Descriptor) => Promise<void> }> {
  if (location.type === 'local') {
    const manifest = await readLocalManifest(location.dir);
    const config = parseCacheConfig(await readFile(blobPath(location.dir, manifest.config.digest)), location.dir);
    const fetchLayer = async (d: Descriptor) => {
      await session.store.put(await readFile(blobPath(location.dir, d.digest)), d.digest);
    };
    return { records: config.records, mounts: config.mounts ?? [], fetchLayer };
  }
  const { RegistryClient } = await import('../registry/client.js');
  const ref = parseReference(location.ref);
  const client = new RegistryClient(ref.domain);
  const fetched = await client.getManifest(ref.path, manifestReference(ref));
  const manifest = parseManifest(fetched.bytes, { where: `cache ${location.ref}`, code: 'REGISTRY' });
  await client.fetchBlob(ref.path, manifest.config, session.store);
  const config = parseCacheConfig(await session.store.read(manifest.config.digest), location.ref);
  return { records: config.records, mounts: config.mounts ?? [], fetchLayer: (d) => client.fetchBlob(ref.path, d, session.store) };
}

export async function exportCaches(session: BuildSession, specs: CacheExportSpec[], finalKeys: Set<string>): Promise<void> {
  for (const spec of specs) {
    const records: ExportedRecord[] = [];
    for (const [key, result] of session.usedRecords) {
      if (spec.mode === 'max' || finalKeys.has(key)) records.push({ key, result: await withCompressedLayer(session, result) });
    }
    const config = cacheConfig(records, spec.cacheMounts ? await exportMounts(session) : []);
    const configDescriptor = await putJson(session.store, CACHE_CONFIG_MEDIA_TYPE, config);
    const layers = cacheLayers(config);
    const manifest = cacheManifest(configDescriptor, layers);
    const manifestDescriptor = await putJson(session.store, manifest.mediaType!, manifest);
    if (spec.location.type === 'local') await writeLocalCache(session, spec.location.dir, manifestDescriptor, [configDescriptor, ...layers]);
    else await pushCache(session, spec.location.ref, manifestDescriptor, [configDescriptor, ...layers]);
  }
}

/** Records travel with gzipped layers; the diff ID stays what the key chain needs. */
async function withCompressedLayer(session: BuildSession, result: StepResultRecord): Promise<StepResultRecord> {
  const layer = result.layer;
  if (!layer) return result;
  const compressed = await compressedLayer(session.store, { mediaType: layer.mediaType, digest: layer.digest, size: layer.size });
  return { ...result, layer: { ...compressed, diffId: layer.diffId } };
}

/** Packs each cache mount this build used into a layer (tsbuild's answer to BuildKit issue 1512). */
async function exportMounts(session: BuildSession): Promise<ExportedCacheMount[]> {
  const mounts: ExportedCacheMount[] = [];
  for (const [id, dir] of [...session.usedCacheMounts].sort(([a], [b]) => a.localeCompare(b))) {
    const written = await writeLayer(session.store, { dir, mode: 'plain' });
    mounts.push({ id, layer: written.descriptor });
  }
  return mounts;
}

async function restoreMount(
  session: BuildSession, layer: Descriptor, fetchLayer: (d: Descriptor) => Promise<void>, dir: string,
): Promise<void> {
  if (!(await session.store.has(layer.digest))) await fetchLayer(layer);
  const temp = tempPathBeside(dir);
  try {
    await applyLayer(temp, await session.store.open(layer.digest), { mode: 'plain' });
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

async function pushCache(session: BuildSession, reference: string, manifest: Descriptor, blobs: Descriptor[]): Promise<void> {
  const { RegistryClient } = await import('../registry/client.js');
  const ref = parseReference(reference);
  const client = new RegistryClient(ref.domain);
  for (const blob of blobs) {
    await client.uploadBlob(ref.path, blob, () => session.store.open(blob.digest));
  }
  await client.putManifest(ref.path, ref.tag ?? 'latest', manifest, await session.store.read(manifest.digest));
}

async function writeLocalCache(session: BuildSession, dir: string, manifest: Descriptor, blobs: Descriptor[]): Promise<void> {
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const blob of [manifest, ...blobs]) {
    await copyFile(path.join(session.layout.blobs, digestHex(blob.digest)), blobPath(dir, blob.digest));
  }
  const index: ImageIndex = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [manifest] };
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(path.join(dir, 'index.json'), JSON.stringify(index));
}

async function readLocalManifest(dir: string): Promise<ImageManifest> {
  const index = parseIndex(await readFile(path.join(dir, 'index.json')), { where: `${dir}: index.json` });
  const descriptor = index.manifests[0];
  if (!descriptor) throw new TsbuildError('NOT_FOUND', `${dir}: empty cache layout`);
  return parseManifest(await readFile(blobPath(dir, descriptor.digest)), { where: `${dir}: manifest ${descriptor.digest}` });
}

function blobPath(dir: string, digest: Digest): string {
  return path.join(dir, 'blobs', 'sha256', digestHex(digest));
}

function describe(location: CacheLocation): string {
  return location.type === 'local' ? location.dir : location.ref;
}


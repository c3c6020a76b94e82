// Shared set-up of the end-to-end build tests: a busybox base imported into a fresh root, context
// directories written from a table, builds through the API with their events, and images
// unpacked by umoci (an independent reader) for checking files, owners and modes.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from '../../src/executor/build.js';
import type { BuildEvent } from '../../src/executor/events.js';
import type { BuildOptions, BuildResult } from '../../src/executor/options.js';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { importRootfs } from '../../src/oci/image-import.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { rootLayout } from '../../src/oci/root.js';
import type { ImageConfig, ImageManifest } from '../../src/spec/types.js';
import { makeBusyboxRootfs } from '../helpers/busybox.js';

/** Fixed epoch so that base images (and builds that pass it) are byte-for-byte reproducible. */
export const EPOCH = 1_700_000_000;

const scratchDirs: string[] = [];

export function tempDir(prefix = 'tsbuild-build-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

/** Removes every temp dir made by this file's tests (call from afterAll). */
export function removeTempDirs(): void {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

let rootfs: Promise<string> | undefined;

/** One busybox rootfs directory per test file. */
export function busyboxRootfs(): Promise<string> {
  return (rootfs ??= (async () => {
    const dir = tempDir('tsbuild-busybox-');
    await makeBusyboxRootfs(dir);
    return dir;
  })());
}

/** A fresh tsbuild root holding `busybox:latest` (and any extra names) built from the rootfs. */
export async function newRoot(extraNames: string[] = []): Promise<string> {
  const root = tempDir('tsbuild-root-');
  const store = await DiskContentStore.open(root);
  const descriptor = await importRootfs(store, await busyboxRootfs(), { layer: { sourceDateEpoch: EPOCH } });
  const names = new ImageNames(rootLayout(root));
  for (const name of ['busybox:latest', ...extraNames]) await names.set(name, descriptor);
  return root;
}

export type FileSpec = string | { content: string | Buffer; mode?: number } | { symlink: string };

/** Writes a context directory from `{ 'path/in/context': content }`. */
export function writeContext(files: Record<string, FileSpec>, dir = tempDir('tsbuild-ctx-')): string {
  for (const [path, spec] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    if (typeof spec === 'string') writeFileSync(target, spec);
    else if ('symlink' in spec) symlinkSync(spec.symlink, target);
    else {
      writeFileSync(target, spec.content);
      if (spec.mode !== undefined) chmodSync(target, spec.mode);
    }
  }
  return dir;
}

export interface BuildRun {
  result: BuildResult;
  events: BuildEvent[];
}

/** Builds `dockerfile` (text) in `context` under `root`, collecting every event. */
export async function buildImage(root: string, context: string, dockerfile: string, options: Partial<BuildOptions> = {}): Promise<BuildRun> {
  const events: BuildEvent[] = [];
  writeFileSync(join(context, 'Dockerfile'), dockerfile);
  const onEvent = (event: BuildEvent) => {
    events.push(event);
    options.onEvent?.(event);
  };
  const result = await build({ context, root, runtime: 'builtin', ...options, onEvent });
  return { result, events };
}

/** Same as buildImage, but resolves to the rejection (fails the test if the build succeeds). */
export async function buildError(root: string, context: string, dockerfile: string, options: Partial<BuildOptions> = {}): Promise<Error & { code?: string; exitCode?: number }> {
  try {
    await buildImage(root, context, dockerfile, options);
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the build to fail, but it succeeded');
}

export function eventsOf<T extends BuildEvent['type']>(events: BuildEvent[], type: T): Extract<BuildEvent, { type: T }>[] {
  return events.filter((e): e is Extract<BuildEvent, { type: T }> => e.type === type);
}

export function readBlob(root: string, digest: string): Buffer {
  return readFileSync(join(root, 'blobs', 'sha256', digest.replace(/^sha256:/, '')));
}

export function readManifest(root: string, digest: string): ImageManifest {
  return JSON.parse(readBlob(root, digest).toString('utf8')) as ImageManifest;
}

export function readConfig(root: string, manifestDigest: string): ImageConfig {
  return JSON.parse(readBlob(root, readManifest(root, manifestDigest).config.digest).toString('utf8')) as ImageConfig;
}

/**
 * Unpacks the image `manifestDigest` of `root` with umoci: a throw-away OCI layout whose blobs
 * link to the root's blobs. Returns the rootfs path.
 */
/** A text file of an unpacked rootfs (`unpackImage`), by its path in the image. */
export function readInRootfs(rootfs: string, file: string): string {
  return readFileSync(join(rootfs, file), 'utf8');
}

export function unpackImage(root: string, manifestDigest: string): string {
  const layout = tempDir('tsbuild-layout-');
  const manifest = readBlob(root, manifestDigest);
  mkdirSync(join(layout, 'blobs'));
  symlinkSync(join(root, 'blobs', 'sha256'), join(layout, 'blobs', 'sha256'));
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const index = {
    schemaVersion: 2,
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: manifestDigest,
      size: manifest.length,
      annotations: { 'org.opencontainers.image.ref.name': 'test' },
    }],
  };
  writeFileSync(join(layout, 'index.json'), JSON.stringify(index));
  const bundle = join(tempDir('tsbuild-bundle-'), 'b');
  execFileSync('umoci', ['unpack', '--image', `${layout}:test`, bundle], { stdio: 'pipe' });
  return join(bundle, 'rootfs');
}

/** Every layer blob of the image, decompressed, as one string (to search for leaked secrets). */
export function layerTexts(root: string, manifestDigest: string): string[] {
  return readManifest(root, manifestDigest).layers.map((layer) =>
    execFileSync('sh', ['-c', `gzip -dc -f < "$0"`, join(root, 'blobs', 'sha256', layer.digest.slice(7))], { maxBuffer: 1 << 28 }).toString('latin1'));
}

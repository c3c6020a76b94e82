// Exports a built image: into the store under its names (the default), to the registry, as an
// OCI layout or docker tarball, or as a plain rootfs directory or tar.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { TsbuildError } from '../errors.js';
import { writeImage, writeIndex } from '../oci/image.js';
import { tarChunks } from '../oci/layer-tar.js';
import { walkLayerEntries } from '../oci/layer-walk.js';
import { formatReference, parseReference } from '../oci/reference.js';
import { parsePlatform } from '../oci/platform.js';
import { tempPathBeside, writeAtomically } from '../fs/temp-path.js';
import type { Descriptor, ImageConfig, ImageManifest } from '../oci/types.js';
import type { Compression, OutputSpec } from './options.js';
import { withCreatedTimes } from './image-config.js';
import { ensureSnapshots } from './layer-step.js';
import type { BuildSession } from './session.js';
import type { StepResult } from './step-result.js';

/** One platform's finished image. */
export interface BuiltPlatformImage {
  platform: string;
  result: StepResult;
  descriptor: Descriptor;
  manifest: ImageManifest;
  config: ImageConfig;
}

/** Writes config + manifest of each platform, and an index over them when there are several. */
export async function writeBuiltImages(
  session: BuildSession, results: { platform: string; result: StepResult }[],
): Promise<{ top: Descriptor; images: BuiltPlatformImage[] }> {
  const images: BuiltPlatformImage[] = [];
  for (const { platform, result } of results) {
    const dated = withCreatedTimes(withLabels(withPlatform(result.config, platform), session.options.labels), session.created);
    const config = session.options.sourceDateEpoch === undefined ? dated : { ...dated, created: session.created };
    const descriptor = await writeImage(session.store, { config, layers: result.layers.map((l) => l.descriptor) });
    const manifest = JSON.parse((await session.store.read(descriptor.digest)).toString('utf8')) as ImageManifest;
    images.push({ platform, result, descriptor, manifest, config });
  }
  const top = images.length === 1 ? images[0].descriptor : await writeIndex(session.store, images.map((i) => i.descriptor));
  return { top, images };
}

/** The image is for the target platform, whatever its base says (as BuildKit writes it). */
function withPlatform(config: ImageConfig, platform: string): ImageConfig {
  const target = parsePlatform(platform);
  const { variant: _baseVariant, ...rest } = config;
  return { ...rest, os: target.os, architecture: target.architecture, ...(target.variant ? { variant: target.variant } : {}) };
}

function withLabels(config: ImageConfig, labels: Record<string, string> | undefined): ImageConfig {
  if (!labels || Object.keys(labels).length === 0) return config;
  return { ...config, config: { ...config.config, Labels: { ...config.config?.Labels, ...labels } } };
}

export async function exportOutputs(
  session: BuildSession, top: Descriptor, images: BuiltPlatformImage[], outputs: OutputSpec[],
): Promise<string[]> {
  const tags = (session.options.tags ?? []).map((t) => formatReference(parseReference(t)));
  const named: string[] = [];
  for (const output of outputs) {
    switch (output.type) {
      case 'image':
        named.push(...(await exportImage(session, top, output.names?.map((n) => formatReference(parseReference(n))) ?? tags, output.push, output.compression)));
        break;
      case 'oci':
      case 'docker':
        await exportArchive(session, output, top, images, tags);
        break;
      case 'local':
        await exportRootfs(session, images, output.dest);
        break;
      case 'tar':
        await exportRootfsTar(session, images, output.dest);
        break;
      default: {
        const unknown: never = output;
        throw new TsbuildError('USAGE', `unknown output ${JSON.stringify(unknown)}`);
      }
    }
  }
  return named;
}

async function exportImage(
  session: BuildSession, top: Descriptor, names: string[], push: boolean, compression?: Compression,
): Promise<string[]> {
  for (const name of names) await session.names.set(name, top);
  // Like docker, an image built without a name stays reachable by its ID (`<none>` in images).
  if (names.length === 0 && !push) await session.names.addUntagged(top);
  if (!push) return names;
  if (names.length === 0) throw new TsbuildError('USAGE', 'push needs a name: pass -t REGISTRY/REPO:TAG');
  const { pushImage } = await import('../registry/push.js');
  for (const name of names) {
    await pushImage(name, {
      store: session.store,
      names: session.names,
      uncompressed: compression === 'uncompressed',
      onProgress: (p) => session.emit({ type: 'blob.progress', action: 'push', digest: p.digest, done: p.done, total: p.total }),
    });
  }
  return names;
}

async function exportArchive(
  session: BuildSession, output: Extract<OutputSpec, { type: 'oci' | 'docker' }>, top: Descriptor, images: BuiltPlatformImage[], tags: string[],
): Promise<void> {
  if (output.compression === 'uncompressed') {
    throw new TsbuildError('USAGE', `--output type=${output.type},compression=uncompressed is not supported yet (layers are gzip)`);
  }
  const toSave = tags.length > 0 ? tags.map((name) => ({ name, descriptor: top })) : [{ descriptor: top }];
  const out = output.dest === '-' ? process.stdout : output.dest;
  if (output.type === 'oci') {
    const { saveOciArchive, saveOciDirectory } = await import('../oci/archive-oci.js');
    if (output.tar) await saveOciArchive(session.store, toSave, out);
    else await saveOciDirectory(session.store, toSave, output.dest);
    return;
  }
  if (images.length > 1) throw new TsbuildError('USAGE', 'type=docker holds one platform; use type=oci for a multi-platform image');
  const { saveDockerArchive } = await import('../oci/archive-docker.js');
  const single = tags.length > 0 ? tags.map((name) => ({ name, descriptor: images[0].descriptor })) : [{ descriptor: images[0].descriptor }];
  await saveDockerArchive(session.store, single, out);
}

/**
 * `type=local`: the final rootfs as a directory (one subdirectory per platform when several). It is
 * copied to a temp dir beside the target first: a new target appears whole by rename; an existing
 * one (BuildKit's exporter writes into it too) receives the files only once the copy succeeded.
 */
async function exportRootfs(session: BuildSession, images: BuiltPlatformImage[], dest: string): Promise<void> {
  for (const image of images) {
    const target = images.length > 1 ? `${dest}/${image.platform.replaceAll('/', '_')}` : dest;
    mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
    await withRootfsView(session, image, async (rootfs) => {
      const copied = tempPathBeside(target);
      try {
        mkdirSync(copied);
        copyTree(rootfs, copied);
        if (!existsSync(target)) renameSync(copied, target);
        else copyTree(copied, target);
      } finally {
        rmSync(copied, { recursive: true, force: true });
      }
    });
  }
}

/**
 * Copies a rootfs like `cp -a`: modes, mtimes, symlinks, hard links, device nodes and, as root,
 * owners (what BuildKit's local exporter keeps). Node's cpSync turns devices into empty files and
 * drops owners.
 */
function copyTree(from: string, to: string): void {
  const flags = process.getuid?.() === 0 ? ['-a'] : ['-dR', '--preserve=mode,timestamps,links'];
  const result = spawnSync('cp', [...flags, '--', `${from}/.`, to], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new TsbuildError('STORE', `type=local: copying the rootfs to ${to} failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
}

/** `type=tar`: the final rootfs as a tarball. */
async function exportRootfsTar(session: BuildSession, images: BuiltPlatformImage[], dest: string): Promise<void> {
  if (images.length > 1) throw new TsbuildError('USAGE', 'type=tar of a multi-platform build is not supported yet');
  await withRootfsView(session, images[0], async (rootfs) => {
    const chunks = tarChunks(walkLayerEntries(rootfs, { mode: 'plain', sourceDateEpoch: session.options.sourceDateEpoch }));
    if (dest === '-') await pipeline(Readable.from(chunks), process.stdout);
    else await writeAtomically(dest, (temp) => pipeline(Readable.from(chunks), createWriteStream(temp, { flags: 'wx' })));
  });
}

async function withRootfsView(session: BuildSession, image: BuiltPlatformImage, action: (rootfs: string) => unknown): Promise<void> {
  const chains = await ensureSnapshots(session, image.result.layers);
  const view = session.snapshots.prepareRootfs(chains, { writable: false });
  try {
    await action(view.rootfs);
  } finally {
    view.cleanup();
  }
}

// `tsbuild import`: a rootfs tarball (plain or gzip), a directory, or stdin as a one-layer image
// whose config names the host's (or a given) platform, like `docker import`.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TsbuildError } from '../errors.js';
import type { ContentStore } from './content-store.js';
import { writeImage, type MediaTypeFamily } from './image.js';
import { sourceDateEpochFromEnv, writeLayer, writeLayerFromTar, type LayerOptions, type WrittenLayer } from './layer.js';
import { hostPlatform } from '../spec/index.js';
import { statSource } from './source-path.js';
import { validatedTar } from './tar-validate.js';
import type { ContainerConfig, Descriptor, ImageConfig, Platform } from '../spec/index.js';

export interface ImportOptions {
  /** Platform recorded in the config; defaults to the host's. */
  platform?: Platform;
  mediaTypes?: MediaTypeFamily;
  /** Container defaults for the config (Cmd, Env, ...). */
  config?: ContainerConfig;
  layer?: LayerOptions;
  /** Shown in the image history. */
  comment?: string;
}

/** Imports `source` (a path, or `-` for stdin) and returns the new manifest's descriptor. */
export async function importRootfs(store: ContentStore, source: string, options: ImportOptions = {}): Promise<Descriptor> {
  const layerOptions: LayerOptions = { ...options.layer, mediaTypes: options.mediaTypes ?? 'oci' };
  const layer = await importLayer(store, source, layerOptions);
  const platform = options.platform ?? hostPlatform();
  const epoch = options.layer?.sourceDateEpoch ?? sourceDateEpochFromEnv();
  const created = new Date(epoch !== undefined ? epoch * 1000 : Date.now()).toISOString();
  const config: ImageConfig = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: options.config ?? {},
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    history: [{ created, created_by: 'tsbuild import', comment: options.comment ?? `imported from ${source}` }],
  };
  return writeImage(store, { config, layers: [layer.descriptor], mediaTypes: options.mediaTypes ?? 'oci' });
}

async function importLayer(store: ContentStore, source: string, options: LayerOptions): Promise<WrittenLayer> {
  if (source !== '-' && (await statSource(source)).isDirectory()) return writeLayer(store, { dir: source, mode: 'plain' }, options);
  const input = source === '-' ? process.stdin : createReadStream(source, { highWaterMark: 1 << 20 });
  return writeLayerFromTar(store, validatedTar(decompressed(input, source), source), options);
}

/** The tar inside a plain or gzip'd stream; other compressions are refused by name. */
async function* decompressed(input: Readable, source: string): AsyncGenerator<Buffer> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  if (first.done) throw new TsbuildError('USAGE', `${source}: empty input, expected a tar archive`);
  const head: Buffer = first.value;
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  };
  if (head[0] === 0x1f && head[1] === 0x8b) {
    for await (const chunk of Readable.from(rest()).pipe(createGunzip({ chunkSize: 1 << 20 }))) {
      yield chunk as Buffer;
    }
    return;
  }
  const other = compressionName(head);
  if (other) throw new TsbuildError('USAGE', `${source}: ${other}-compressed tarballs are not supported; use gzip or plain tar`);
  yield* rest();
}

function compressionName(head: Buffer): string | undefined {
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return undefined;
}

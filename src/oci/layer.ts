// Writes a directory as a layer blob: deterministic tar, optional gzip, and both digests
// (diffID of the tar, digest of the blob) in one streaming pass straight into a content store.
import { TsbuildError } from '../errors.js';
import type { ContentStore } from './content-store.js';
import { DigestCounter } from './digest.js';
import { DEFAULT_GZIP_LEVEL, gzipStream, type Compression, type Compressor } from './layer-compress.js';
import { tarChunks } from './layer-tar.js';
import { walkLayerEntries } from './layer-walk.js';
import { readTreeXattrs, type TreeXattrs } from './layer-xattrs.js';
import { MediaType, type Descriptor, type Digest } from '../spec/index.js';

export interface LayerSource {
  dir: string;
  /** `overlay`: `dir` is an overlayfs upper dir (whiteouts and opaque dirs are converted). */
  mode: 'plain' | 'overlay';
}

export interface LayerOptions {
  compression?: Compression;
  level?: number;
  /**
   * Default `parallel` (pigz's block algorithm on the libuv pool; see parallel-gzip.ts): about 2x
   * a single zlib stream at level 6 on 2 cores and on par with a `pigz` child, with output that
   * depends on neither the core count nor an external binary. Figures in test/oci/bench-layer.ts.
   */
  compressor?: Compressor;
  /** Clamps file mtimes (seconds since the epoch); defaults to $SOURCE_DATE_EPOCH when set. */
  sourceDateEpoch?: number;
  /** Record xattrs (security.capability, user.*) as PAX records; default true. */
  xattrs?: boolean;
  /** Docker media type instead of OCI for the descriptor. */
  mediaTypes?: 'oci' | 'docker';
}

export interface WrittenLayer {
  descriptor: Descriptor;
  /** sha256 of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId: Digest;
}

export async function writeLayer(store: ContentStore, source: LayerSource, options: LayerOptions = {}): Promise<WrittenLayer> {
  const treeXattrs = await treeAttributes(source, options);
  const entries = walkLayerEntries(source.dir, {
    mode: source.mode,
    sourceDateEpoch: options.sourceDateEpoch ?? sourceDateEpochFromEnv(),
    ...treeXattrs,
  });
  return writeLayerFromTar(store, tarChunks(entries), options);
}

/** Stores an already-made tar stream as a layer, compressing it as asked. */
export async function writeLayerFromTar(
  store: ContentStore, tar: AsyncIterable<Buffer>, options: LayerOptions = {},
): Promise<WrittenLayer> {
  const compression = options.compression ?? 'gzip';
  const diff = new DigestCounter();
  const counted = countInto(tar, diff);
  const blob = compression === 'gzip'
    ? gzipStream(counted, options.level ?? DEFAULT_GZIP_LEVEL, options.compressor ?? 'parallel')
    : counted;
  const info = await store.put(blob);
  return {
    descriptor: { mediaType: layerMediaType(compression, options.mediaTypes ?? 'oci'), digest: info.digest, size: info.size },
    diffId: diff.digest(),
  };
}

export function layerMediaType(compression: Compression, types: 'oci' | 'docker'): string {
  if (types === 'docker') {
    return compression === 'gzip' ? MediaType.DockerLayerGzip : 'application/vnd.docker.image.rootfs.diff.tar';
  }
  return compression === 'gzip' ? MediaType.OciLayerGzip : MediaType.OciLayer;
}

export function sourceDateEpochFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.SOURCE_DATE_EPOCH;
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new TsbuildError('USAGE', `SOURCE_DATE_EPOCH must be whole seconds, got "${text}"`);
  return Number(text);
}

async function treeAttributes(source: LayerSource, options: LayerOptions): Promise<Partial<TreeXattrs>> {
  if (source.mode === 'plain' && options.xattrs === false) return {};
  const read = await readTreeXattrs(source.dir);
  return options.xattrs === false ? { opaqueDirs: read.opaqueDirs } : read;
}

async function* countInto(source: AsyncIterable<Buffer>, counter: DigestCounter): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    counter.update(chunk);
    yield chunk;
  }
}

// Where an s3 cache is: the plain data `type=s3` attributes make (part of the Node API).

export interface S3CacheLocation {
  type: 's3';
  bucket: string;
  region: string;
  /** `https://s3.<region>.amazonaws.com` when absent. */
  endpointUrl?: string;
  usePathStyle?: boolean;
  prefix?: string;
  blobsPrefix?: string;
  manifestsPrefix?: string;
  /** Manifest names: exported under each, imported from the first (BuildKit's `name=a;b`). */
  names?: string[];
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Blobs sent at once (`upload_parallelism=`, default 4 as BuildKit). */
  uploadParallelism?: number;
  /** A blob already there but last modified longer ago than this is touched (`touch_refresh=`, default 24 h as BuildKit). */
  touchRefreshMs?: number;
  /**
   * Bytes per part of a multipart upload, which every blob larger than one part goes up as (API
   * only; default 5 MiB, the AWS SDK upload manager's part size and S3's smallest but last part).
   */
  partSize?: number;
}

/** BuildKit's default name is `buildkit`; tsbuild's cache format differs, so it keeps its own. */
export const S3_DEFAULT_NAME = 'tsbuild';

/** BuildKit's object keys: `<prefix><manifests_prefix><name>` and `<prefix><blobs_prefix><digest>`. */
export function s3ManifestKey(location: S3CacheLocation, name = (location.names ?? [S3_DEFAULT_NAME])[0]!): string {
  return `${location.prefix ?? ''}${location.manifestsPrefix ?? 'manifests/'}${name}`;
}

export function s3BlobKey(location: S3CacheLocation, digest: string): string {
  return `${location.prefix ?? ''}${location.blobsPrefix ?? 'blobs/'}${digest}`;
}

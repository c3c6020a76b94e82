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

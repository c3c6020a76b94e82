// `type=s3,bucket=B,region=R[,endpoint_url=,prefix=,use_path_style=,name=,...]`: the cache in an S3
// bucket, laid out as BuildKit's s3 backend lays it out: `<prefix>blobs/<digest>` per blob and
// `<prefix>manifests/<name>` for the manifest. Credentials as the AWS SDKs find them
// (aws-credentials.ts) unless `access_key_id=`/`secret_access_key=` are given. BuildKit's
// `upload_parallelism=` (blobs sent at once) and `touch_refresh=` (a Go duration) too.
import { TsbuildError } from '../../errors.js';
import { parseGoDuration } from '../../spec/index.js';
import type { CacheBackend, CacheBackendFactory } from '../backend.js';
import { boolAttribute } from './attributes.js';
import { s3ManifestKey, type S3CacheLocation } from './s3-location.js';

export type { S3CacheLocation } from './s3-location.js';

export const s3Cache: CacheBackendFactory<S3CacheLocation> = {
  parseLocation(fields, flag) {
    // BuildKit falls back on these variables too.
    const bucket = fields.bucket ?? process.env.AWS_BUCKET;
    const region = fields.region ?? process.env.AWS_REGION;
    if (!bucket) throw new TsbuildError('USAGE', `${flag} type=s3 needs bucket=NAME (or AWS_BUCKET)`);
    if (!region) throw new TsbuildError('USAGE', `${flag} type=s3 needs region=REGION (or AWS_REGION)`);
    const usePathStyle = boolAttribute(fields, 'use_path_style', flag, false);
    const names = fields.name?.split(';').filter((n) => n !== '');
    const optional = {
      endpointUrl: fields.endpoint_url, prefix: fields.prefix, blobsPrefix: fields.blobs_prefix, manifestsPrefix: fields.manifests_prefix,
      accessKeyId: fields.access_key_id, secretAccessKey: fields.secret_access_key, sessionToken: fields.session_token,
    };
    const uploadParallelism = fields.upload_parallelism === undefined ? undefined : Number(fields.upload_parallelism);
    if (uploadParallelism !== undefined && !(Number.isSafeInteger(uploadParallelism) && uploadParallelism >= 1)) {
      throw new TsbuildError('USAGE', `${flag} type=s3: upload_parallelism must be a whole number of at least 1, got "${fields.upload_parallelism}"`);
    }
    let touchRefreshMs: number | undefined;
    try {
      touchRefreshMs = fields.touch_refresh === undefined ? undefined : parseGoDuration(fields.touch_refresh) / 1e6; // ns
    } catch (error) {
      throw new TsbuildError('USAGE', `${flag} type=s3: touch_refresh: ${(error as Error).message}`, { cause: error });
    }
    if (optional.endpointUrl !== undefined && !/^https?:\/\//.test(optional.endpointUrl)) {
      throw new TsbuildError('USAGE', `${flag} type=s3: endpoint_url must be an http:// or https:// URL, got "${optional.endpointUrl}"`);
    }
    return {
      type: 's3', bucket, region,
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      ...(usePathStyle ? { usePathStyle } : {}),
      ...(uploadParallelism !== undefined ? { uploadParallelism } : {}),
      ...(touchRefreshMs !== undefined ? { touchRefreshMs } : {}),
      ...(names && names.length > 0 ? { names } : {}),
    };
  },

  open(location) {
    let backend: Promise<CacheBackend> | undefined;
    // Loaded on use: the CLI parses cache flags without loading the HTTP client.
    const connect = () => backend ??= import('./s3-storage.js').then(({ s3Backend }) => s3Backend(location));
    return {
      description: `s3://${location.bucket}/${s3ManifestKey(location)}`,
      import: async (store) => (await connect()).import(store),
      export: async (store, artifact) => (await connect()).export(store, artifact),
    };
  },
};

// The S3 requests of the s3 cache: GET, HEAD and single PUT of objects, signed with SigV4.
// Blob bodies are signed with their sha256, which is the hex of their own digest.
import type { Readable } from 'node:stream';
import { request } from 'undici';
import { TsbuildError } from '../../errors.js';
import { digestHex, type Descriptor } from '../../oci/index.js';
import { readErrorText, readLimited } from '../../registry/index.js';
import { sha256Digest } from '../../spec/index.js';
import type { CacheBackend } from '../backend.js';
import { awsCredentials } from './aws-credentials.js';
import { awsUriEncode, EMPTY_PAYLOAD_HASH, signS3Request, type AwsCredentials } from './aws-sigv4.js';
import { blobStorageBackend, tooLarge, type BlobStorage, type ObjectBody } from './blob-storage.js';
import { s3BlobKey, s3ManifestKey, S3_DEFAULT_NAME, type S3CacheLocation } from './s3-location.js';

/** A single PUT takes up to 5 GiB; larger objects need a multipart upload, which tsbuild does not do. */
const MAX_SINGLE_PUT = 5 * 1024 * 1024 * 1024;

type Dispatcher = Parameters<typeof request>[1];
type Body = NonNullable<NonNullable<Dispatcher>['body']>;

export function s3Backend(location: S3CacheLocation): CacheBackend {
  return blobStorageBackend(new S3BlobStorage(location));
}

class S3BlobStorage implements BlobStorage {
  readonly description: string;
  private readonly names: string[];
  private credentials: Promise<AwsCredentials> | undefined;

  constructor(private readonly location: S3CacheLocation) {
    this.names = location.names ?? [S3_DEFAULT_NAME];
    this.description = `s3://${location.bucket}/${this.manifestKey(this.names[0]!)}`;
  }

  async readManifest(limit: number): Promise<Buffer | undefined> {
    const key = this.manifestKey(this.names[0]!);
    const response = await this.send('GET', key);
    if (response.statusCode === 404) return drained(response, undefined);
    await this.expectOk(response, `GET ${key}`);
    const length = Number(response.headers['content-length'] ?? NaN);
    if (length > limit) {
      response.body.destroy();
      throw tooLarge(this.description, 'cache manifest', limit);
    }
    return readLimited(response.body, limit, () => tooLarge(this.description, 'cache manifest', limit));
  }

  async writeManifest(bytes: Buffer): Promise<void> {
    for (const name of this.names) {
      await this.put(this.manifestKey(name), bytes.length, digestHex(sha256Digest(bytes)), bytes, 'application/json');
    }
  }

  async hasBlob(descriptor: Descriptor): Promise<boolean> {
    const key = this.blobKey(descriptor);
    const response = await this.send('HEAD', key);
    await response.body.dump();
    if (response.statusCode === 404) return false;
    await this.expectOk(response, `HEAD ${key}`);
    return Number(response.headers['content-length']) === descriptor.size;
  }

  async openBlob(descriptor: Descriptor): Promise<ObjectBody> {
    const key = this.blobKey(descriptor);
    const response = await this.send('GET', key);
    if (response.statusCode === 404) {
      await response.body.dump();
      throw new TsbuildError('NOT_FOUND', `${this.description}: blob ${descriptor.digest} is not in the bucket`);
    }
    await this.expectOk(response, `GET ${key}`);
    return response.body;
  }

  async writeBlob(descriptor: Descriptor, open: () => Promise<Readable>): Promise<void> {
    if (descriptor.size > MAX_SINGLE_PUT) {
      throw new TsbuildError('CACHE_BACKEND', `${this.description}: blob ${descriptor.digest} is over 5 GiB, more than one S3 PUT takes`);
    }
    await this.put(this.blobKey(descriptor), descriptor.size, digestHex(descriptor.digest), await open(), descriptor.mediaType);
  }

  private manifestKey(name: string): string {
    return s3ManifestKey(this.location, name);
  }

  private blobKey(descriptor: Descriptor): string {
    return s3BlobKey(this.location, descriptor.digest);
  }

  private async put(key: string, size: number, sha256: string, body: Body, contentType: string): Promise<void> {
    const response = await this.send('PUT', key, { 'content-length': String(size), 'content-type': contentType }, sha256, body);
    await this.expectOk(response, `PUT ${key}`);
    await response.body.dump();
  }

  private async send(method: 'GET' | 'HEAD' | 'PUT', key: string, headers: Record<string, string> = {}, payloadHash = EMPTY_PAYLOAD_HASH, body?: Body) {
    this.credentials ??= this.location.accessKeyId && this.location.secretAccessKey
      ? Promise.resolve({
        accessKeyId: this.location.accessKeyId, secretAccessKey: this.location.secretAccessKey,
        ...(this.location.sessionToken ? { sessionToken: this.location.sessionToken } : {}),
      })
      : awsCredentials();
    const url = this.objectUrl(key);
    const signed = signS3Request({ method, url, headers, payloadHash }, await this.credentials, this.location.region);
    try {
      return await request(url, { method, headers: signed, ...(body !== undefined ? { body } : {}) });
    } catch (error) {
      throw new TsbuildError('CACHE_BACKEND', `${this.description}: ${method} ${url.host}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Path style `<endpoint>/<bucket>/<key>`, or virtual-hosted `<bucket>.<endpoint host>/<key>`. */
  private objectUrl(key: string): URL {
    const endpoint = new URL(this.location.endpointUrl ?? `https://s3.${this.location.region}.amazonaws.com`);
    const path = key.split('/').map(awsUriEncode).join('/');
    const base = endpoint.pathname.replace(/\/$/, '');
    if (this.location.usePathStyle) return new URL(`${endpoint.origin}${base}/${awsUriEncode(this.location.bucket)}/${path}`);
    return new URL(`${endpoint.protocol}//${this.location.bucket}.${endpoint.host}${base}/${path}`);
  }

  private async expectOk(response: Awaited<ReturnType<typeof request>>, what: string): Promise<void> {
    if (response.statusCode >= 200 && response.statusCode < 300) return;
    const text = await readErrorText(response.body);
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
    throw new TsbuildError('CACHE_BACKEND', `${this.description}: ${what}: HTTP ${response.statusCode}${code ? ` ${code}` : ''}`);
  }
}

async function drained<T>(response: Awaited<ReturnType<typeof request>>, value: T): Promise<T> {
  await response.body.dump();
  return value;
}

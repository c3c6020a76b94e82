// The S3 requests of the s3 cache, signed with SigV4: GET, HEAD and PUT of objects; blobs larger
// than one part go up as a multipart upload (as BuildKit's AWS SDK upload manager sends them), and
// a blob already there but older than `touch_refresh` is copied onto itself so a bucket's
// expiry rules keep it. Every request is retried on temporary failures (http-retry.ts). Blob
// bodies are signed with their sha256, which is the hex of their own digest; parts with theirs.
import { createHash } from 'node:crypto';
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
import { withRetries } from './http-retry.js';
import { s3BlobKey, s3ManifestKey, S3_DEFAULT_NAME, type S3CacheLocation } from './s3-location.js';

/** The AWS SDK upload manager's part size: blobs larger than this go up in parts. */
const DEFAULT_PART_SIZE = 5 * 1024 * 1024;
/** S3's most parts per upload: the part size grows for blobs that would need more. */
const MAX_PARTS = 10_000;
const DEFAULT_UPLOAD_PARALLELISM = 4;
const DEFAULT_TOUCH_REFRESH_MS = 24 * 60 * 60 * 1000;
/** The answers to CreateMultipartUpload and CompleteMultipartUpload are small XML documents. */
const XML_LIMIT = 64 * 1024;

type Dispatcher = Parameters<typeof request>[1];
type Body = NonNullable<NonNullable<Dispatcher>['body']>;
type Response = Awaited<ReturnType<typeof request>>;

export function s3Backend(location: S3CacheLocation): CacheBackend {
  return blobStorageBackend(new S3BlobStorage(location));
}

class S3BlobStorage implements BlobStorage {
  readonly description: string;
  readonly uploadParallelism: number;
  private readonly names: string[];
  private credentials: Promise<AwsCredentials> | undefined;

  constructor(private readonly location: S3CacheLocation) {
    this.names = location.names ?? [S3_DEFAULT_NAME];
    this.description = `s3://${location.bucket}/${this.manifestKey(this.names[0]!)}`;
    this.uploadParallelism = location.uploadParallelism ?? DEFAULT_UPLOAD_PARALLELISM;
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

  /** True when the blob is there whole; one last modified touch_refresh or longer ago is touched first. */
  async hasBlob(descriptor: Descriptor): Promise<boolean> {
    const key = this.blobKey(descriptor);
    const response = await this.send('HEAD', key);
    await response.body.dump();
    if (response.statusCode === 404) return false;
    await this.expectOk(response, `HEAD ${key}`);
    if (Number(response.headers['content-length']) !== descriptor.size) return false;
    const modified = Date.parse(String(response.headers['last-modified'] ?? ''));
    if (!Number.isNaN(modified) && Date.now() - modified >= (this.location.touchRefreshMs ?? DEFAULT_TOUCH_REFRESH_MS)) await this.touch(key);
    return true;
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
    const partSize = Math.max(this.location.partSize ?? DEFAULT_PART_SIZE, Math.ceil(descriptor.size / MAX_PARTS));
    if (descriptor.size > partSize) return this.putMultipart(this.blobKey(descriptor), descriptor, partSize, open);
    await this.put(this.blobKey(descriptor), descriptor.size, digestHex(descriptor.digest), open, descriptor.mediaType);
  }

  private manifestKey(name: string): string {
    return s3ManifestKey(this.location, name);
  }

  private blobKey(descriptor: Descriptor): string {
    return s3BlobKey(this.location, descriptor.digest);
  }

  private async put(key: string, size: number, sha256: string, body: Body | (() => Promise<Body>), contentType: string): Promise<void> {
    const response = await this.send('PUT', key, { 'content-length': String(size), 'content-type': contentType }, sha256, body);
    await this.expectOk(response, `PUT ${key}`);
    await response.body.dump();
  }

  /** CreateMultipartUpload, UploadPart for each `partSize` bytes (each buffered, so a retry resends it), CompleteMultipartUpload. */
  private async putMultipart(key: string, descriptor: Descriptor, partSize: number, open: () => Promise<Readable>): Promise<void> {
    const created = await this.send('POST', key, { 'content-type': descriptor.mediaType }, EMPTY_PAYLOAD_HASH, undefined, { uploads: '' });
    await this.expectOk(created, `CreateMultipartUpload ${key}`);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await this.xmlAnswer(created))?.[1];
    if (!uploadId) throw new TsbuildError('CACHE_BACKEND', `${this.description}: CreateMultipartUpload ${key} gave no upload id`);
    const parts: string[] = [];
    try {
      for await (const part of fixedParts(await open(), partSize)) {
        const number = String(parts.length + 1);
        const sha256 = createHash('sha256').update(part).digest('hex');
        const response = await this.send('PUT', key, { 'content-length': String(part.length) }, sha256, part, { partNumber: number, uploadId });
        await this.expectOk(response, `UploadPart ${number} of ${key}`);
        await response.body.dump();
        const etag = response.headers.etag;
        if (typeof etag !== 'string') throw new TsbuildError('CACHE_BACKEND', `${this.description}: UploadPart ${number} of ${key} gave no ETag`);
        parts.push(etag);
      }
      const list = `<CompleteMultipartUpload>${parts.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${escapeXml(etag)}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
      const body = Buffer.from(list);
      const completed = await this.send('POST', key, { 'content-length': String(body.length), 'content-type': 'application/xml' },
        createHash('sha256').update(body).digest('hex'), body, { uploadId });
      await this.expectOk(completed, `CompleteMultipartUpload ${key}`);
      // S3 may answer 200 and put the failure in the body.
      const answer = await this.xmlAnswer(completed);
      if (!answer.includes('<CompleteMultipartUploadResult')) {
        const code = /<Code>([^<]*)<\/Code>/.exec(answer)?.[1];
        throw new TsbuildError('CACHE_BACKEND', `${this.description}: CompleteMultipartUpload ${key} failed${code ? `: ${code}` : ''}`);
      }
    } catch (error) {
      // Parts of an upload never completed are billed until aborted.
      await this.send('DELETE', key, {}, EMPTY_PAYLOAD_HASH, undefined, { uploadId }).then((r) => r.body.dump(), () => undefined);
      throw error;
    }
  }

  /** BuildKit's touch: the object copied onto itself with new metadata, which renews its modification time. */
  private async touch(key: string): Promise<void> {
    // `bucket/key` as BuildKit sends it; encodeURI leaves a digest's ':' as it is, which s3rver needs.
    const source = encodeURI(`${this.location.bucket}/${key}`);
    const response = await this.send('PUT', key, {
      'x-amz-copy-source': source, 'x-amz-metadata-directive': 'REPLACE', 'x-amz-meta-updated-at': new Date().toISOString(),
    });
    await this.expectOk(response, `touch ${key}`);
    await response.body.dump();
  }

  private async xmlAnswer(response: Response): Promise<string> {
    return (await readLimited(response.body, XML_LIMIT, () => tooLarge(this.description, 'an S3 answer', XML_LIMIT))).toString('utf8');
  }

  private async send(
    method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE', key: string, headers: Record<string, string> = {}, payloadHash = EMPTY_PAYLOAD_HASH,
    body?: Body | (() => Promise<Body>), query: Record<string, string> = {},
  ): Promise<Response> {
    this.credentials ??= this.location.accessKeyId && this.location.secretAccessKey
      ? Promise.resolve({
        accessKeyId: this.location.accessKeyId, secretAccessKey: this.location.secretAccessKey,
        ...(this.location.sessionToken ? { sessionToken: this.location.sessionToken } : {}),
      })
      : awsCredentials();
    const url = this.objectUrl(key);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const credentials = await this.credentials;
    try {
      // Signed anew for each attempt (the signature holds the time), with the body made anew.
      return await withRetries(async () => {
        const signed = signS3Request({ method, url, headers, payloadHash }, credentials, this.location.region);
        const payload = typeof body === 'function' ? await body() : body;
        return request(url, { method, headers: signed, ...(payload !== undefined ? { body: payload } : {}) });
      });
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

  private async expectOk(response: Response, what: string): Promise<void> {
    if (response.statusCode >= 200 && response.statusCode < 300) return;
    const text = await readErrorText(response.body);
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
    throw new TsbuildError('CACHE_BACKEND', `${this.description}: ${what}: HTTP ${response.statusCode}${code ? ` ${code}` : ''}`);
  }
}

async function drained<T>(response: Response, value: T): Promise<T> {
  await response.body.dump();
  return value;
}

/** The stream's bytes in buffers of exactly `size` bytes (the last may be shorter). */
async function* fixedParts(stream: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingSize = 0;
  for await (const chunk of stream) {
    let rest = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (rest.length > 0) {
      const take = Math.min(rest.length, size - pendingSize);
      pending.push(rest.subarray(0, take));
      pendingSize += take;
      rest = rest.subarray(take);
      if (pendingSize === size) {
        yield Buffer.concat(pending, pendingSize);
        pending = [];
        pendingSize = 0;
      }
    }
  }
  if (pendingSize > 0) yield Buffer.concat(pending, pendingSize);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

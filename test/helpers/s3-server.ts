// A real S3-compatible server for the s3 cache tests: npm's s3rver on 127.0.0.1 with a temp
// directory and one bucket. It accepts any SigV4 signature (it checks their form, not their
// value): test/cache/aws-sigv4.test.ts checks the signer against AWS's published example.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The object's URL, for tests that write behind the cache's back (s3rver takes unsigned requests). */
  objectUrl(key: string): string;
  stop(): Promise<void>;
}

export async function startS3(bucket = 'cache'): Promise<TestS3> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'tsbuild-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    bucket,
    objectUrl: (key) => `${endpoint}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

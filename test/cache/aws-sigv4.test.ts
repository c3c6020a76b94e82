// The SigV4 signer against AWS's own worked example (S3 documentation, "Signature Calculations
// for the Authorization Header: GET Object"), and the credential chain the s3 cache reads.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsCredentials, parseIni } from '../../src/cache/backends/aws-credentials.js';
import { EMPTY_PAYLOAD_HASH, signS3Request } from '../../src/cache/backends/aws-sigv4.js';

const EXAMPLE_KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('SigV4', () => {
  it('signs AWS\'s GET Object example to its published signature', () => {
    const headers = signS3Request(
      { method: 'GET', url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'), headers: { Range: 'bytes=0-9' }, payloadHash: EMPTY_PAYLOAD_HASH },
      EXAMPLE_KEYS, 'us-east-1', new Date('2013-05-24T00:00:00Z'),
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, '
      + 'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, '
      + 'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(headers['x-amz-date']).toBe('20130524T000000Z');
  });

  it('signs a session token and changes the signature with the key', () => {
    const request = { method: 'PUT', url: new URL('http://127.0.0.1:9000/b/blobs/sha256%3Aab'), headers: {}, payloadHash: 'ab'.repeat(32) };
    const date = new Date('2024-01-01T00:00:00Z');
    const plain = signS3Request(request, EXAMPLE_KEYS, 'eu-west-1', date);
    const withToken = signS3Request(request, { ...EXAMPLE_KEYS, sessionToken: 'TOKEN' }, 'eu-west-1', date);
    expect(withToken['x-amz-security-token']).toBe('TOKEN');
    expect(withToken.authorization).toContain('SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,');
    expect(withToken.authorization).not.toBe(plain.authorization);
  });
});

describe('AWS credentials', () => {
  it('prefers the environment, then the credentials file, then the config file of AWS_PROFILE', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tsbuild-aws-'));
    const credentialsFile = path.join(dir, 'credentials');
    const configFile = path.join(dir, 'config');
    await writeFile(credentialsFile, '[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n# comment\n[__proto__]\npolluted = yes\n');
    await writeFile(configFile, '[profile ci]\naws_access_key_id=CFGKEY\naws_secret_access_key=cfgsecret\naws_session_token=cfgtoken\n');
    const files = { AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_CONFIG_FILE: configFile };
    expect(await awsCredentials({ ...files, AWS_ACCESS_KEY_ID: 'ENVKEY', AWS_SECRET_ACCESS_KEY: 'envsecret', AWS_SESSION_TOKEN: 'envtoken' }))
      .toEqual({ accessKeyId: 'ENVKEY', secretAccessKey: 'envsecret', sessionToken: 'envtoken' });
    expect(await awsCredentials(files)).toEqual({ accessKeyId: 'FILEKEY', secretAccessKey: 'filesecret' });
    expect(await awsCredentials({ ...files, AWS_PROFILE: 'ci' })).toEqual({ accessKeyId: 'CFGKEY', secretAccessKey: 'cfgsecret', sessionToken: 'cfgtoken' });
    await expect(awsCredentials({ ...files, AWS_PROFILE: 'absent' })).rejects.toThrow(/no AWS credentials for the s3 cache/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parseIni('[__proto__]\nx=1')['__proto__']).toEqual({ x: '1' });
  });
});

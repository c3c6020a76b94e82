// SOURCE_DATE_EPOCH=<stage>: the date of a source-only stage's remote ADD dates the build, as in
// BuildKit (dockerfile2llb/epoch.go; dockerfile_source_date_epoch_test.go testSourceDateEpochStageHTTPArchive):
// the server's Last-Modified, else the newest regular file of the archive.
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tar from 'tar-stream';
import { buildImage, newRoot, readConfig, readInRootfs, removeTempDirs, unpackImage, writeContext } from './helpers.js';

let root: string;
let server: Server;
let port = 0;
const files: Record<string, { body: Buffer; lastModified?: string }> = {};

async function tarOf(entries: { name: string; mtime: number; type?: 'directory' }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const entry of entries) {
    const header = { name: entry.name, mtime: new Date(entry.mtime * 1000), type: entry.type ?? 'file' } as const;
    if (entry.type) pack.entry(header);
    else pack.entry(header, 'bar');
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  root = await newRoot();
  files['/src.tar'] = { body: await tarOf([{ name: 'dir', mtime: 1800000000, type: 'directory' }, { name: 'dir/foo', mtime: 1700000402 }, { name: 'old', mtime: 1600000000 }]) };
  files['/src.tar.gz'] = { body: gzipSync(await tarOf([{ name: 'foo', mtime: 1700000403 }])) };
  files['/dated.bin'] = { body: Buffer.from('not an archive'), lastModified: new Date(1700000404 * 1000).toUTCString() };
  server = createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, file.lastModified ? { 'Last-Modified': file.lastModified } : {}).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  removeTempDirs();
});

const dockerfile = (path: string) => [
  'ARG SOURCE_DATE_EPOCH=mysource',
  'FROM scratch AS mysource',
  `ADD http://127.0.0.1:${port}${path} /`,
  'FROM busybox',
  'ARG SOURCE_DATE_EPOCH',
  'RUN echo -n "$SOURCE_DATE_EPOCH" > /epoch',
].join('\n');

describe('SOURCE_DATE_EPOCH from a source-only stage', () => {
  it.each([
    ['/src.tar', 1700000402, 'the newest regular file of a tar'],
    ['/src.tar.gz', 1700000403, 'the newest regular file of a gzipped tar'],
    ['/dated.bin', 1700000404, 'the Last-Modified of the response'],
  ])('%s: %i (%s)', async (path, epoch) => {
    const { result } = await buildImage(root, writeContext({}), dockerfile(path));
    expect(readConfig(root, result.digest).created).toBe(new Date(epoch * 1000).toISOString().replace('.000Z', 'Z'));
    expect(readInRootfs(unpackImage(root, result.digest), 'epoch')).toBe(String(epoch));
  });
});

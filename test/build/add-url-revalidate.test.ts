// `ADD <url>` on a rebuild, as BuildKit's http source: the download is kept with its ETag and
// revalidated (HEAD with If-None-Match); an unchanged ETag reuses the kept body without a GET, a
// changed one downloads again and the step reruns. A server that lies (304 to an unconditional
// GET, 304 naming an ETag never sent, a matching ETag with another size) or a kept body altered
// on disk never yields a file other than what the server sent.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diskUsage } from '../../src/cache/disk-usage.js';
import { prune } from '../../src/cache/prune.js';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { rootLayout } from '../../src/oci/root.js';
import { buildError, buildImage, eventsOf, newRoot, removeTempDirs, unpackImage, writeContext } from './helpers.js';

interface Seen {
  method: string;
  ifNoneMatch?: string;
}

/** What the server does for the next requests of a path; `honest` answers like a proper server. */
type Behaviour = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let baseUrl: string;
const seen = new Map<string, Seen[]>();
const behaviours = new Map<string, Behaviour>();

function honest(content: string, etag: string): Behaviour {
  return (request, response) => {
    if (request.headers['if-none-match']?.split(/,\s*/).includes(etag)) return void response.writeHead(304, { ETag: etag }).end();
    response.writeHead(200, { ETag: etag, 'Content-Length': Buffer.byteLength(content) });
    response.end(request.method === 'HEAD' ? undefined : content);
  };
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '';
    const header = request.headers['if-none-match'];
    seen.set(path, [...(seen.get(path) ?? []), { method: request.method ?? '', ...(header ? { ifNoneMatch: header } : {}) }]);
    const behaviour = behaviours.get(path);
    if (!behaviour) return void response.writeHead(404).end();
    behaviour(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  removeTempDirs();
});

function methods(path: string): string[] {
  return (seen.get(path) ?? []).map((s) => s.method);
}

async function buildAdd(root: string, path: string) {
  const run = await buildImage(root, writeContext({}), `FROM scratch\nADD ${baseUrl}${path} /dest/\n`);
  const name = path.slice(1);
  return { ...run, content: readFileSync(join(unpackImage(root, run.result.digest), 'dest', name), 'utf8') };
}

function addRan(events: Parameters<typeof eventsOf>[0]): boolean {
  return eventsOf(events, 'step.done').some((e) => e.name.includes('ADD'));
}

describe('ADD <url> revalidation by ETag', () => {
  it('keeps the download: a rebuild asks with HEAD and If-None-Match, gets 304 and reuses the body and the step', async () => {
    const root = await newRoot();
    behaviours.set('/same', honest('content1', '"v1"'));
    const first = await buildAdd(root, '/same');
    const second = await buildAdd(root, '/same');
    expect(second.content).toBe('content1');
    expect(methods('/same')).toEqual(['GET', 'HEAD']);
    expect(seen.get('/same')?.[1]?.ifNoneMatch).toBe('"v1"');
    expect(addRan(second.events)).toBe(false);
    expect(second.result.digest).toBe(first.result.digest);
  }, 120_000);

  it('downloads again when the ETag changed, and the step reruns with the new content', async () => {
    const root = await newRoot();
    behaviours.set('/changed', honest('content1', '"v1"'));
    await buildAdd(root, '/changed');
    behaviours.set('/changed', honest('content2', '"v2"'));
    const second = await buildAdd(root, '/changed');
    expect(second.content).toBe('content2');
    expect(methods('/changed')).toEqual(['GET', 'HEAD', 'GET']);
    expect(addRan(second.events)).toBe(true);
    // The third build revalidates against the new ETag.
    const third = await buildAdd(root, '/changed');
    expect(third.content).toBe('content2');
    expect(seen.get('/changed')?.[3]).toEqual({ method: 'HEAD', ifNoneMatch: '"v2"' });
  }, 120_000);

  it('fails clearly on a 304 to a GET that asked nothing, and keeps no record of it', async () => {
    const root = await newRoot();
    behaviours.set('/liar', (_request, response) => void response.writeHead(304, { ETag: '"v1"' }).end());
    const error = await buildError(root, writeContext({}), `FROM scratch\nADD ${baseUrl}/liar /dest/\n`);
    expect(error.message).toMatch(/Dockerfile:2: cannot download .*\/liar: HTTP 304/);
    expect(error.code).toBe('NOT_FOUND');
    behaviours.set('/liar', honest('content1', '"v1"'));
    const run = await buildAdd(root, '/liar');
    expect(run.content).toBe('content1');
    expect(seen.get('/liar')?.[1]).toEqual({ method: 'GET' });
  }, 120_000);

  it('fails on a 304 naming an ETag it was never asked about', async () => {
    const root = await newRoot();
    behaviours.set('/other', honest('content1', '"v1"'));
    await buildAdd(root, '/other');
    // HEAD: 200 with another ETag (so a GET follows); GET: 304 with yet another one.
    behaviours.set('/other', (request, response) => {
      if (request.method === 'HEAD') return void response.writeHead(200, { ETag: '"v2"', 'Content-Length': 8 }).end();
      response.writeHead(304, { ETag: '"v3"' }).end();
    });
    const error = await buildError(root, writeContext({}), `FROM scratch\nADD ${baseUrl}/other /dest/\n`);
    expect(error.message).toMatch(/Dockerfile:2: cannot download .*\/other: invalid not-modified ETag "v3"/);
  }, 120_000);

  it('downloads again when the ETag matches but the size differs from the kept body', async () => {
    const root = await newRoot();
    behaviours.set('/size', honest('content1', '"v1"'));
    await buildAdd(root, '/size');
    behaviours.set('/size', (request, response) => {
      if (request.method === 'HEAD') return void response.writeHead(200, { ETag: '"v1"', 'Content-Length': 100 }).end();
      response.writeHead(200, { ETag: '"v1"', 'Content-Length': 11 }).end('content-new');
    });
    const second = await buildAdd(root, '/size');
    expect(second.content).toBe('content-new');
    expect(methods('/size')).toEqual(['GET', 'HEAD', 'GET']);
  }, 120_000);

  it('asks with a conditional GET when the HEAD fails, and a 304 to it keeps the body', async () => {
    const root = await newRoot();
    behaviours.set('/nohead', honest('content1', '"v1"'));
    await buildAdd(root, '/nohead');
    const answer = honest('content1', '"v1"');
    behaviours.set('/nohead', (request, response) => (request.method === 'HEAD' ? request.socket.destroy() : answer(request, response)));
    const second = await buildAdd(root, '/nohead');
    expect(second.content).toBe('content1');
    expect(seen.get('/nohead')?.slice(1)).toEqual([{ method: 'HEAD', ifNoneMatch: '"v1"' }, { method: 'GET', ifNoneMatch: '"v1"' }]);
    expect(addRan(second.events)).toBe(false);
  }, 120_000);

  it('downloads again when the kept body was altered on disk', async () => {
    const root = await newRoot();
    behaviours.set('/altered', honest('content1', '"v1"'));
    await buildAdd(root, '/altered');
    const blobs = join(root, 'blobs', 'sha256');
    const kept = readdirSync(blobs).filter((hex) => readFileSync(join(blobs, hex), 'utf8') === 'content1');
    expect(kept).toHaveLength(1);
    writeFileSync(join(blobs, kept[0] ?? ''), 'CONTENT1');
    // A fresh context for the Dockerfile, and the cache of the step dropped, so the file is read.
    const run = await buildImage(root, writeContext({}), `FROM scratch\nADD ${baseUrl}/altered /dest/\n`, { noCache: true });
    expect(readFileSync(join(unpackImage(root, run.result.digest), 'dest', 'altered'), 'utf8')).toBe('content1');
    // The altered body is not offered to the server: the URL is downloaded afresh, unconditionally.
    expect(seen.get('/altered')).toEqual([{ method: 'GET' }, { method: 'GET' }]);
    expect(readFileSync(join(blobs, kept[0] ?? ''), 'utf8')).toBe('content1');
  }, 120_000);
});

describe('kept downloads and garbage collection', () => {
  it('prune keeps a kept body as build cache; prune --all forgets it, and the next build downloads unconditionally', async () => {
    const root = await newRoot();
    behaviours.set('/pruned', honest('content1', '"v1"'));
    await buildAdd(root, '/pruned');
    const layout = rootLayout(root);
    const store = await DiskContentStore.open(root);
    const names = new ImageNames(layout);
    expect((await diskUsage(layout, store, names)).unreferenced.blobs).toBe(0);
    await prune(layout, store, names, { graceMs: 0 });
    await buildAdd(root, '/pruned');
    expect(seen.get('/pruned')?.[1]).toEqual({ method: 'HEAD', ifNoneMatch: '"v1"' });
    await prune(layout, store, names, { all: true, graceMs: 0 });
    expect((await diskUsage(layout, store, names)).buildCache.blobs).toBe(0);
    const run = await buildAdd(root, '/pruned');
    expect(run.content).toBe('content1');
    expect(seen.get('/pruned')?.slice(2)).toEqual([{ method: 'GET' }]);
  }, 120_000);
});

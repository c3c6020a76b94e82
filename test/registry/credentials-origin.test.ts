// Credentials go only to the host that challenged for them: a registry (or a proxy in front of
// it) whose upload Location points at another host must not receive the user's Authorization
// there, as docker's client does. Also: a token server that answers forever is cut off.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { pullImage } from '../../src/registry/pull.js';
import { pushImage } from '../../src/registry/push.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';
import { makeImage } from './fixtures.js';
import { startHostileRegistry, type HostileRegistry } from './hostile-registry.js';

let registry: TestRegistry;
let work: string;
let front: Server;
let elsewhere: Server;
let frontHost: string;
let elsewhereHost: string;
let hostile: HostileRegistry;
const seenElsewhere: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];

/** Relays to the registry; `rewrite` may change the upstream response headers. */
function relay(rewrite: (headers: IncomingHttpHeaders) => void): Server {
  const [host, port] = registry.host.split(':');
  return createServer((req, res) => {
    const headers = { ...req.headers, host: registry.host };
    const outgoing = request({ host, port: Number(port), method: req.method, path: req.url, headers }, (up) => {
      const answer = { ...up.headers };
      rewrite(answer);
      res.writeHead(up.statusCode ?? 502, answer);
      up.pipe(res);
    });
    outgoing.on('error', () => res.socket?.destroy());
    req.pipe(outgoing);
  });
}

async function listen(server: Server, address: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  return `${address}:${(server.address() as { port: number }).port}`;
}

beforeAll(async () => {
  registry = await startRegistry('htpasswd');
  work = await mkdtemp(join(tmpdir(), 'tsbuild-origin-'));
  elsewhere = relay(() => undefined);
  elsewhere.on('request', (req) => seenElsewhere.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers }));
  elsewhereHost = await listen(elsewhere, '127.0.0.2');
  // The front door sends upload sessions to the other host, like a registry behind a CDN would.
  front = relay((headers) => {
    if (typeof headers.location === 'string' && headers.location.includes('/blobs/uploads/')) {
      const location = new URL(headers.location, `http://${registry.host}`);
      headers.location = `http://${elsewhereHost}${location.pathname}${location.search}`;
    }
  });
  frontHost = await listen(front, '127.0.0.1');
  hostile = await startHostileRegistry();
});

afterAll(async () => {
  for (const server of [front, elsewhere]) {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
  await hostile?.stop();
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('credentials stay with the host that challenged for them', () => {
  it('sends no Authorization to an upload Location on another host, and the push fails clearly', async () => {
    const store = await DiskContentStore.open(join(work, 'root'));
    const names = new ImageNames(store.layout);
    const image = await makeImage(store, [2048]);
    const name = `${frontHost}/secret/app:1`;
    await names.set(name, image.descriptor);
    const credentials = { kind: 'basic' as const, username: registry.username!, password: registry.password! };
    const push = pushImage(name, { store, names, credentials, retryBaseMs: 10, dockerConfig: join(work, 'none.json') });
    await expect(push).rejects.toMatchObject({
      code: 'REGISTRY',
      message: expect.stringMatching(new RegExp(`authentication required for upload of blob sha256:[a-f0-9]{64} to secret/app \\(at ${elsewhereHost.replace(/\./g, '\\.')}\\)`)),
    });
    expect(seenElsewhere.length).toBeGreaterThan(0);
    expect(seenElsewhere.filter((req) => req.headers.authorization !== undefined)).toEqual([]);
  });

  it('still sends credentials to the challenging host itself', async () => {
    const store = await DiskContentStore.open(join(work, 'root-direct'));
    const names = new ImageNames(store.layout);
    const image = await makeImage(store, [2048]);
    const name = `${registry.host}/secret/app:2`;
    await names.set(name, image.descriptor);
    const credentials = { kind: 'basic' as const, username: registry.username!, password: registry.password! };
    await expect(pushImage(name, { store, names, credentials, dockerConfig: join(work, 'none.json') })).resolves.toMatchObject({ name });
  });
});

describe('token servers', () => {
  it('stops reading a token answer that never ends', async () => {
    hostile.route('GET', '/v2/', (_req, res) => {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${hostile.host}/token",service="test"` }).end();
    });
    hostile.route('GET', '/token', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = randomBytes(64 * 1024);
      const pump = (): void => {
        while (!res.destroyed && (hostile.sent.get('/token') ?? 0) < 64 * 1024 * 1024) if (!res.write(chunk)) return void res.once('drain', pump);
        res.end();
      };
      pump();
    });
    hostile.route('GET', /^\/v2\/tok\/manifests\//, (_req, res) => {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${hostile.host}/token",service="test",scope="repository:tok:pull"` }).end();
    });
    const store = await DiskContentStore.open(join(work, 'root-token'));
    const pull = pullImage(`${hostile.host}/tok:1`, { store, maxRetries: 0, dockerConfig: join(work, 'none.json') });
    await expect(pull).rejects.toMatchObject({ code: 'REGISTRY', message: expect.stringMatching(/token server's answer is over 256 KiB/) });
    expect(hostile.sent.get('/token') ?? 0).toBeLessThan(24 * 1024 * 1024);
  });
});

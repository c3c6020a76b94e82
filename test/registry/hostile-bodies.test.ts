// A registry that sends too much, too slowly or forever: every body read is bounded (a blob by
// its descriptor's size, a manifest by 4 MiB, tokens and error bodies by small caps), and every
// request has an idle and a total deadline, then retries, then a clear error.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../src/oci/digest.js';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { MediaType } from '../../src/spec/types.js';
import { pullImage } from '../../src/registry/pull.js';
import { runCli } from './cli-runner.js';
import { fixed, startHostileRegistry, type HostileRegistry } from './hostile-registry.js';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const MiB = 1024 * 1024;
/** What the endless bodies send at most, so that a client without limits still finishes. */
const ENDLESS_CAP = 64 * MiB;

let server: HostileRegistry;
let work: string;
let roots = 0;

const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
const configDescriptor = { mediaType: MediaType.OciConfig, digest: sha256Digest(config), size: config.length };
const layer = randomBytes(127);
const layerDescriptor = { mediaType: MediaType.OciLayerGzip, digest: sha256Digest(layer), size: layer.length };
const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: configDescriptor, layers: [layerDescriptor] }));
/** A layer served at 64 KiB per 50 ms: a download that is still running when the test signals. */
const slowLayer = { mediaType: MediaType.OciLayerGzip, digest: sha256Digest(randomBytes(32)), size: 64 * MiB };

/** Writes `chunk` again and again, honouring backpressure, until the client hangs up or `cap` bytes went out. */
function endless(res: ServerResponse, chunk: Buffer, cap = ENDLESS_CAP): void {
  let written = 0;
  const pump = (): void => {
    while (written < cap && !res.destroyed) {
      written += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}

/** Sends `body` one byte every `everyMs`. */
function trickle(res: ServerResponse, body: Buffer, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (res.destroyed || i >= body.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(body.subarray(i, ++i));
  }, everyMs);
  res.on('close', () => clearInterval(timer));
}

async function freshRoot() {
  const store = await DiskContentStore.open(join(work, `root-${roots++}`));
  return { store, names: new ImageNames(store.layout) };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tsbuild-bodies-'));
  server = await startHostileRegistry();
  const blob = (repo: string) => `/v2/${repo}/blobs/${layerDescriptor.digest}`;
  for (const repo of ['endless-blob', 'long-blob', 'short-blob']) {
    server.route('GET', `/v2/${repo}/manifests/1`, fixed(manifest, { 'content-type': MediaType.OciManifest }));
    server.route('GET', `/v2/${repo}/blobs/${configDescriptor.digest}`, fixed(config));
  }
  server.route('GET', blob('endless-blob'), (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    endless(res, randomBytes(64 * 1024));
  });
  server.route('GET', blob('long-blob'), fixed(Buffer.concat([layer, randomBytes(10 * MiB)])));
  server.route('GET', blob('short-blob'), fixed(layer.subarray(0, 100)));
  server.route('GET', '/v2/chunked-manifest/manifests/1', (_req, res) => {
    res.writeHead(200, { 'content-type': MediaType.OciManifest });
    endless(res, Buffer.alloc(64 * 1024, ' '));
  });
  server.route('GET', '/v2/endless-error/manifests/1', (_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    endless(res, Buffer.alloc(64 * 1024, 'e'));
  });
  server.route('GET', '/v2/trickle/manifests/1', (_req, res) => {
    res.writeHead(200, { 'content-type': MediaType.OciManifest });
    trickle(res, manifest, 100);
  });
  const slowManifest = JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: configDescriptor, layers: [slowLayer] });
  server.route('GET', '/v2/slow-blob/manifests/1', fixed(slowManifest, { 'content-type': MediaType.OciManifest }));
  server.route('GET', `/v2/slow-blob/blobs/${configDescriptor.digest}`, fixed(config));
  server.route('GET', `/v2/slow-blob/blobs/${slowLayer.digest}`, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(slowLayer.size) });
    const chunk = randomBytes(64 * 1024);
    const timer = setInterval(() => res.write(chunk), 50);
    res.on('close', () => clearInterval(timer));
  });
  server.route('GET', '/v2/stall/manifests/1', (_req, res) => {
    res.writeHead(200, { 'content-type': MediaType.OciManifest });
    res.write(manifest.subarray(0, 10));
  });
});

afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
});

const sentTo = (path: string) => server.sent.get(path) ?? 0;
const requestsTo = (path: string) => server.log.filter((entry) => entry.path === path).length;
const fast = { maxRetries: 1, retryBaseMs: 10 };

describe('blob downloads are capped at the descriptor size', () => {
  it('stops an endless blob body as soon as it passes the declared 127 bytes', async () => {
    const root = await freshRoot();
    const pull = pullImage(`${server.host}/endless-blob:1`, { ...root, ...fast });
    await expect(pull).rejects.toMatchObject({
      code: 'REGISTRY',
      message: expect.stringContaining(`blob ${layerDescriptor.digest} of endless-blob is larger than the 127 bytes its descriptor declares`),
    });
    expect(sentTo(`/v2/endless-blob/blobs/${layerDescriptor.digest}`)).toBeLessThan(16 * MiB);
    expect(await readdir(root.store.layout.tmp)).toEqual([]);
    expect(await root.store.has(layerDescriptor.digest)).toBe(false);
  });

  it('refuses a body whose Content-Length is over the declared size before reading it', async () => {
    const root = await freshRoot();
    await expect(pullImage(`${server.host}/long-blob:1`, { ...root, ...fast })).rejects.toMatchObject({
      code: 'REGISTRY', message: expect.stringMatching(/larger than the 127 bytes its descriptor declares \(Content-Length 10485887\)/),
    });
    expect(sentTo(`/v2/long-blob/blobs/${layerDescriptor.digest}`)).toBeLessThan(8 * MiB);
  });

  it('fails clearly when the registry sends fewer bytes than declared', async () => {
    const root = await freshRoot();
    await expect(pullImage(`${server.host}/short-blob:1`, { ...root, ...fast })).rejects.toMatchObject({
      code: 'REGISTRY', message: expect.stringMatching(/short-blob.*kept breaking at byte 100/),
    });
    expect(await readdir(root.store.layout.tmp)).toEqual([]);
  });
});

describe('whole-body reads are bounded', () => {
  it('stops a chunked manifest at 4 MiB instead of buffering it all', async () => {
    const pull = pullImage(`${server.host}/chunked-manifest:1`, { ...(await freshRoot()), ...fast });
    await expect(pull).rejects.toMatchObject({
      code: 'REGISTRY', message: `${server.host}: manifest chunked-manifest:1 is larger than the 4 MiB limit`,
    });
    // Sent = what was read (4 MiB) plus socket buffers; an unbounded reader takes all 64 MiB.
    expect(sentTo('/v2/chunked-manifest/manifests/1')).toBeLessThan(24 * MiB);
  });

  it('reads only the start of an endless error body', async () => {
    const pull = pullImage(`${server.host}/endless-error:1`, { ...(await freshRoot()), ...fast });
    await expect(pull).rejects.toMatchObject({ code: 'REGISTRY', message: `${server.host}: manifest endless-error:1 not found` });
    expect(sentTo('/v2/endless-error/manifests/1')).toBeLessThan(24 * MiB);
  });
});

describe('cancellation', () => {
  it('a SIGTERM in the middle of a blob download ends pull as cancelled (130), leaving no temp file', async () => {
    const root = join(work, 'sigterm-root');
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'pull', `${server.host}/slow-blob:1`], { env: { ...process.env, TSBUILD_ROOT: root } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (sentTo(`/v2/slow-blob/blobs/${slowLayer.digest}`) < 256 * 1024 && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGTERM');
    expect(await done).toBe(130);
    expect(stderr).toMatch(/error: pull cancelled \(SIGTERM\)\n$/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  }, 60_000);
});

describe('requests have deadlines', () => {
  it('gives up on a manifest trickling one byte at a time after the total timeout, retrying once', async () => {
    const started = Date.now();
    const pull = pullImage(`${server.host}/trickle:1`, { ...(await freshRoot()), ...fast, requestTimeoutMs: 800 });
    await expect(pull).rejects.toMatchObject({
      code: 'REGISTRY', message: expect.stringMatching(new RegExp(`^${server.host}: manifest trickle:1: not complete after 0.8 s \\(request timeout`)),
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(requestsTo('/v2/trickle/manifests/1')).toBe(2);
  });

  it('gives up on a manifest that stops sending after the idle timeout', async () => {
    const pull = pullImage(`${server.host}/stall:1`, { ...(await freshRoot()), ...fast, idleTimeoutMs: 500 });
    await expect(pull).rejects.toMatchObject({
      code: 'REGISTRY', message: expect.stringMatching(/manifest stall:1: no data for 0.5 s \(idle timeout/),
    });
    expect(requestsTo('/v2/stall/manifests/1')).toBe(2);
  });

  it('takes the total timeout from $TSBUILD_REGISTRY_TIMEOUT in the CLI', async () => {
    const result = await runCli(['pull', `${server.host}/trickle:1`], { TSBUILD_ROOT: join(work, 'cli-root'), TSBUILD_REGISTRY_TIMEOUT: '0.5' });
    expect(result.stderr).toMatch(/manifest trickle:1: not complete after 0.5 s \(request timeout; \$TSBUILD_REGISTRY_TIMEOUT\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.status).toBe(1);
  }, 60_000);
});

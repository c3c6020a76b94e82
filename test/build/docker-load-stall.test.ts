// `--load` against an engine that answers /_ping and then stops reading the archive: the upload
// gives up after the idle timeout with an error naming the engine's socket (never hangs), and
// the built image stays in tsbuild's store.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageNames } from '../../src/oci/image-names.js';
import { rootLayout } from '../../src/oci/root.js';
import { TsbuildError } from '../../src/errors.js';
import { buildError, newRoot, removeTempDirs, tempDir, writeContext } from './helpers.js';

let server: Server;
let socket: string;
/** The load requests the engine received, never read past what the socket buffers hold. */
const stalled: IncomingMessage[] = [];

beforeAll(async () => {
  socket = join(tempDir('tsbuild-stalled-engine-'), 'docker.sock');
  server = createServer((request, response) => {
    if (request.url === '/_ping') {
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end('OK');
      return;
    }
    // The load: answered 200 at once, and then the archive is never read.
    request.pause();
    stalled.push(request);
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.flushHeaders();
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  removeTempDirs();
});

describe('--load into an engine that stops reading', () => {
  it('fails after the idle timeout naming the socket, and the image stays in the store', async () => {
    const root = await newRoot();
    // More than the socket buffers hold (and incompressible), so the upload must wait for the engine to read.
    const context = writeContext({ 'big.bin': { content: randomBytes(8 * 1024 * 1024) } });
    const started = Date.now();
    const error = await buildError(root, context, 'FROM busybox\nCOPY big.bin /big.bin\n', {
      tags: ['stalled/app:1'],
      load: true,
      dockerEngine: { host: `unix://${socket}`, idleTimeoutMs: 1500 },
    });
    expect(stalled).toHaveLength(1);
    expect(error).toBeInstanceOf(TsbuildError);
    expect(error.code).toBe('STORE');
    expect(error.message).toContain(`the Docker engine at unix://${socket} read nothing of the image for 1.5s`);
    // Well before the default timeout, whatever the load on the machine.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await new ImageNames(rootLayout(root)).get('docker.io/stalled/app:1')).toBeDefined();
  }, 120_000);
});

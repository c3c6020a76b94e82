// `tsbuild run -p HOST:CTR` on a container with its own network (slirp4netns's port forwarding),
// through the built CLI and both sandboxes: a connection to the host port reaches a server inside.
import { rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGES, makeRunFixture, type RunFixture } from '../container/fixture.js';
import { freePort } from '../helpers/registry-server.js';

let fx: RunFixture;
beforeAll(async () => {
  fx = await makeRunFixture();
}, 120_000);
afterAll(() => rmSync(fx.work, { recursive: true, force: true }));

/** What the server at 127.0.0.1:port sends before it closes ('' when the connection fails). */
function fetchFrom(port: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => resolve(''));
    socket.on('close', () => resolve(text));
  });
}

describe.each(['builtin', 'runc'] as const)('tsbuild run -p (%s)', (runtime) => {
  it('publishes a container port on the host', async () => {
    const port = await freePort();
    const container = fx.start(['run', '--rm', '--runtime', runtime, '-p', `127.0.0.1:${port}:8080`, IMAGES.busybox,
      'sh', '-c', 'while :; do echo hello-from-the-container | nc -l -p 8080; done']);
    const closed = new Promise((resolve) => container.once('close', resolve));
    let stderr = '';
    container.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const deadline = Date.now() + 120_000;
      let got = '';
      // slirp4netns accepts on the host before the server inside listens: retry until it answers.
      while (!got.includes('hello-from-the-container') && Date.now() < deadline && container.exitCode === null) {
        got = await fetchFrom(port);
        if (!got) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(got, stderr).toBe('hello-from-the-container\n');
      expect((await fx.tsbuild(['ps'])).stdout).toContain(`127.0.0.1:${port}->8080/tcp`);
    } finally {
      container.kill('SIGTERM');
      await closed;
    }
  }, 300_000);

  it('refuses -p with --network none, and a malformed -p, with 125', async () => {
    const none = await fx.tsbuild(['run', '--rm', '--runtime', runtime, '--network', 'none', '-p', '8080:80', IMAGES.busybox, 'true']);
    expect(none.status).toBe(125);
    expect(none.stderr).toMatch(/--network none/);
    const bad = await fx.tsbuild(['run', '--rm', '--runtime', runtime, '-p', '80:x', IMAGES.busybox, 'true']);
    expect(bad.status).toBe(125);
    expect(bad.stderr).toMatch(/invalid -p "80:x"/);
  }, 300_000);
});

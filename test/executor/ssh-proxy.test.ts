// The ssh agent socket of RUN --mount=type=ssh: a socket of tsbuild's own that forwards to the agent.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serveSshAgent } from '../../src/executor/ssh-proxy.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An "agent" that answers each message with `agent:<message>`. */
async function echoAgent(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tsbuild-agent-'));
  const socket = join(dir, 'agent.sock');
  const server = createServer((connection) => connection.on('data', (data) => connection.write(`agent:${data.toString()}`)));
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())), () => rmSync(dir, { recursive: true, force: true }));
  return socket;
}

function ask(socket: string, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = connect(socket, () => client.write(message));
    client.once('data', (data) => {
      resolve(data.toString());
      client.end();
    });
    client.once('error', reject);
  });
}

describe('serveSshAgent', () => {
  it('forwards each connection to the agent, on a socket with the mount\'s owner and mode', async () => {
    const proxy = await serveSshAgent(await echoAgent(), { uid: 100, gid: 102, mode: 0o741 });
    cleanups.push(() => proxy.close());
    const stat = statSync(proxy.socket);
    expect([stat.isSocket(), stat.uid, stat.gid, stat.mode & 0o777]).toEqual([true, 100, 102, 0o741]);
    expect(await Promise.all([ask(proxy.socket, 'one'), ask(proxy.socket, 'two')])).toEqual(['agent:one', 'agent:two']);
  });

  it('ends a connection when the agent is gone, and keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsbuild-agent-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const proxy = await serveSshAgent(join(dir, 'missing.sock'), { uid: 0, gid: 0, mode: 0o600 });
    cleanups.push(() => proxy.close());
    for (let i = 0; i < 2; i++) {
      await new Promise<void>((resolve) => {
        const client = connect(proxy.socket);
        client.on('error', () => resolve());
        client.on('close', () => resolve());
      });
    }
  });

  it('removes its socket when closed', async () => {
    const proxy = await serveSshAgent(await echoAgent(), { uid: 0, gid: 0, mode: 0o600 });
    proxy.close();
    expect(existsSync(proxy.socket)).toBe(false);
  });
});

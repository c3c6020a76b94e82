// RUN --mount=type=ssh as BuildKit serves it (session/sshforward MountSSHSocket): a socket of the
// build's own, owned and moded as the mount asks, that forwards each connection to the agent's
// socket. The agent's socket itself is never bound into the sandbox.
import { chmodSync, chownSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import path from 'node:path';
import { createPrivateDir } from '../runtime-shim/index.js';

export interface SshSocketProxy {
  /** The socket to bind at the mount target. */
  socket: string;
  close(): void;
}

export async function serveSshAgent(agentSocket: string, owner: { uid: number; gid: number; mode: number }): Promise<SshSocketProxy> {
  const dir = createPrivateDir();
  const socket = path.join(dir.path, 'ssh_auth_sock');
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const agent = connect(agentSocket);
    for (const end of [client, agent]) {
      open.add(end);
      // A failed agent connection or a client that goes away ends the pair, never the build.
      end.on('error', () => {
        client.destroy();
        agent.destroy();
      });
      end.on('close', () => open.delete(end));
    }
    client.pipe(agent).pipe(client);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socket, () => resolve());
    });
    chownSync(socket, owner.uid, owner.gid);
    chmodSync(socket, owner.mode & 0o777);
  } catch (error) {
    server.close();
    dir.remove();
    throw error;
  }
  return {
    socket,
    close() {
      server.close();
      for (const end of open) end.destroy();
      dir.remove();
    },
  };
}

// The private network under runc/crun: an OCI `createRuntime` hook (run by the runtime once the
// container's namespaces exist, before its command starts) tells tsbuild the container's pid over
// a Unix socket in the run dir; tsbuild attaches slirp4netns to it and answers, and only then does
// the hook return and the runtime go on.
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { attachSlirp4netns, type NetworkAttachment } from './network.js';

/** One OCI hook entry (runtime-spec config.md#posix-platform-hooks). */
export interface OciHook {
  path: string;
  args: string[];
  timeout?: number;
}

// Reads the state JSON the runtime passes on stdin, sends the pid, exits 0 once told "1".
const HOOK_SCRIPT = [
  "const net = require('net'); let state = '';",
  "process.stdin.on('data', (d) => (state += d)).on('end', () => {",
  '  const c = net.connect(process.argv[1], () => c.end(String(JSON.parse(state).pid)));',
  "  c.on('data', (d) => process.exit(d.toString() === '1' ? 0 : 1)); c.on('error', () => process.exit(1));",
  '});',
].join('\n');

export interface NetworkRendezvous {
  hook: OciHook;
  /** Settles with the attachment once the hook has called (undefined if it never did). */
  attached(): Promise<NetworkAttachment | undefined>;
  /** Stops listening and stops slirp4netns if it was started. */
  close(): Promise<void>;
}

export async function listenForNetworkHook(runDir: string): Promise<NetworkRendezvous> {
  const socketPath = join(runDir, 'net.sock');
  let attachment: Promise<NetworkAttachment> | undefined;
  const server: Server = createServer((socket: Socket) => {
    let pid = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (pid += d));
    socket.on('error', () => undefined);
    socket.on('end', () => {
      if (!/^[1-9][0-9]*$/.test(pid)) return void socket.end('0');
      attachment ??= attachSlirp4netns(Number(pid));
      attachment.then(() => socket.end('1'), () => socket.end('0'));
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
  return {
    hook: { path: process.execPath, args: ['node', '-e', HOOK_SCRIPT, socketPath], timeout: 30 },
    attached: async () => attachment,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await attachment?.then((a) => a.stop(), () => undefined);
    },
  };
}

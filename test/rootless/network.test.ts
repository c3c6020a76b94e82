// The network of rootless RUN steps and containers: slirp4netns works from inside the user
// namespace when the user may open /dev/net/tun (mode 0666, as udev leaves it on Debian), the
// host's 127.0.0.1 stays out of reach, `--network none` is loopback only, and where /dev/net/tun is
// root's alone RUN steps fall back to loopback with one warning.
import { chmodSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUnprivilegedUser, userSession, type UserSession } from '../helpers/unprivileged-user.js';
import { describeResult, saveBusyboxBase, userContext } from './fixture.js';

const TUN = '/dev/net/tun';
let session: UserSession;
let server: Server;
let port: number;
let address: string;
let tunMode: number;

beforeAll(async () => {
  const user = ensureUnprivilegedUser('tsbuild-rootless', { subordinateIds: true });
  session = userSession(user, 'network');
  expect(session.tsbuild(['load', '-i', await saveBusyboxBase()]).status).toBe(0);
  address = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address ?? '';
  expect(address).not.toBe('');
  server = createServer((_req, res) => res.end('reached-the-outside'));
  port = await new Promise((resolve) => server.listen(0, address, () => resolve((server.address() as { port: number }).port)));
  tunMode = statSync(TUN).mode & 0o777;
});
afterAll(async () => {
  chmodSync(TUN, tunMode);
  await new Promise((resolve) => server.close(resolve));
});

const fetch = (host: string, p: number) => `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${host} ${p}`;

describe('rootless network', () => {
  it('RUN reaches another machine through slirp4netns when /dev/net/tun is open to users', async () => {
    chmodSync(TUN, 0o666);
    const context = userContext(session, 'ctx-out', { Dockerfile: `FROM base:1\nRUN ${fetch(address, port)} > /got && grep -q reached-the-outside /got\n` });
    // Async: the server answers from this process's event loop.
    const built = await session.tsbuildAsync(['build', '--progress', 'plain', context]);
    expect(built.status, describeResult(built)).toBe(0);
    expect(built.stderr).not.toMatch(/loopback only/);
  });

  it('tsbuild run --network none has loopback only', () => {
    const context = userContext(session, 'ctx-none', { Dockerfile: 'FROM base:1\nRUN true\n' });
    expect(session.tsbuild(['build', '-q', '-t', 'demo/net', context]).status).toBe(0);
    const shown = session.tsbuild(['run', '--rm', '--network', 'none', 'demo/net', 'sh', '-c', `ls /sys/class/net; ${fetch(address, port)} || echo unreachable`]);
    expect(shown.status, describeResult(shown)).toBe(0);
    expect(shown.stdout).toBe('lo\nunreachable\n');
  });

  it('without access to /dev/net/tun RUN steps get loopback only, with one warning naming the fix', () => {
    chmodSync(TUN, 0o600);
    const context = userContext(session, 'ctx-tun', { Dockerfile: `FROM base:1\nRUN ${fetch(address, port)} || echo offline\nRUN ls /sys/class/net\n` });
    const built = session.tsbuild(['build', '--progress', 'plain', context]);
    expect(built.status, describeResult(built)).toBe(0);
    expect(built.stderr.match(/chmod 0666 \/dev\/net\/tun/g)).toHaveLength(1);
    expect(built.stderr).toMatch(/#2 [\d.]+ offline/);
  });
});

// `tsbuild run`'s network, through the built CLI: by default (Docker's bridge) a namespace of its
// own with outbound access through slirp4netns and the host's 127.0.0.1 out of reach; `--network
// host` and `none` as before; loopback only plus a warning without slirp4netns. Every target is a
// server this test listens on at one of this machine's own addresses.
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunRequest } from '../../src/container/run-request.js';
import { containerEtcFiles } from '../../src/container/etc-files.js';
import { IMAGES, makeRunFixture, type RunFixture } from '../container/fixture.js';

let fx: RunFixture;
let loopback: Server;
let external: Server;
let loopbackPort: number;
let externalPort: number;
const primary = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address ?? '';

function listen(host: string, reply: string): Promise<[Server, number]> {
  const server = createServer((socket) => socket.end(reply));
  return new Promise((resolve) => server.listen(0, host, () => resolve([server, (server.address() as { port: number }).port])));
}

beforeAll(async () => {
  if (!primary) throw new Error('this machine has no non-loopback IPv4 address');
  fx = await makeRunFixture();
  [loopback, loopbackPort] = await listen('127.0.0.1', 'loopback-only');
  [external, externalPort] = await listen(primary, 'outside');
});
afterAll(async () => {
  await new Promise((resolve) => loopback.close(resolve));
  await new Promise((resolve) => external.close(resolve));
  if (fx) await rm(fx.work, { recursive: true, force: true });
});

/** Interfaces, then what the external and the loopback-only server answer ("unreachable" if nothing). */
const probe = () => [
  'ls /sys/class/net | tr "\\n" " "; echo',
  `nc -w 3 ${primary} ${externalPort} </dev/null || echo unreachable; echo`,
  `nc -w 3 127.0.0.1 ${loopbackPort} </dev/null || echo unreachable; echo`,
].join('\n');
const lines = (out: string) => out.split('\n').map((l) => l.trim()).filter(Boolean);

describe('tsbuild run network', () => {
  it.each([[[]], [['--network', 'bridge']]])('%j: own namespace, outbound access, host loopback unreachable', async (flags) => {
    const result = await fx.tsbuild(['run', '--rm', ...flags, IMAGES.busybox, 'sh', '-c', `${probe()}; cat /etc/resolv.conf`]);
    expect(result.status, result.stderr).toBe(0);
    expect(lines(result.stdout).slice(0, 3)).toEqual(['lo tap0', 'outside', 'unreachable']);
    expect(result.stdout).toMatch(/^nameserver 10\.0\.2\.3$/m);
  });

  it('--network host shares the host\'s network, loopback included', async () => {
    const result = await fx.tsbuild(['run', '--rm', '--network', 'host', IMAGES.busybox, 'sh', '-c', probe()]);
    expect(result.status, result.stderr).toBe(0);
    expect(lines(result.stdout).slice(1)).toEqual(['outside', 'loopback-only']);
  });

  it('without slirp4netns: loopback only and a warning', async () => {
    const result = await fx.tsbuild(['run', '--rm', IMAGES.busybox, 'sh', '-c', probe()], { env: { TSBUILD_SLIRP4NETNS: '/nonexistent/slirp4netns' } });
    expect(result.status, result.stderr).toBe(0);
    expect(lines(result.stdout)).toEqual(['lo', 'unreachable', 'unreachable']);
    expect(result.stderr).toMatch(/slirp4netns is not installed.*no outbound network/);
  });

  it('parses Docker\'s network names: default and bridge are a private namespace', () => {
    expect(parseRunRequest({ image: 'x' }).network).toBe('private');
    expect(parseRunRequest({ image: 'x', network: 'bridge' }).network).toBe('private');
    expect(parseRunRequest({ image: 'x', network: 'host' }).network).toBe('host');
    expect(() => parseRunRequest({ image: 'x', network: 'overlay' as 'host' })).toThrow(/network "overlay" is not supported: use bridge, host or none/);
  });

  it('a private network\'s /etc files: Docker\'s localhost block and slirp4netns\'s DNS', () => {
    const files = containerEtcFiles({ hostname: 'box', network: 'private', hostHosts: '10.0.0.2 db\n', hostResolvConf: 'nameserver 127.0.0.53\nsearch lan\n' });
    expect(files.hosts).not.toContain('db');
    expect(files.resolvConf).toBe('nameserver 10.0.2.3\nsearch lan\n');
  });
});

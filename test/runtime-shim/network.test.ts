// The `private` network of both backends (a namespace of its own, slirp4netns for outbound
// traffic): what it reaches and what it cannot, its resolv.conf, its cleanup and its failures.
// Targets are only this machine's own addresses: servers the test listens on.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type SandboxBackend } from '../../src/runtime-shim/index.js';
import { encodeHelperSpec } from '../../src/runtime-shim/builtin-spec.js';
import { privateResolvConf, slirp4netnsArgs, slirp4netnsPath } from '../../src/runtime-shim/network.js';
import { ociConfig } from '../../src/runtime-shim/oci-config.js';
import { processesMatching } from '../helpers/leftovers.js';
import { makeFixture, runCaptured, sh, type Fixture } from './fixture.js';

let fx: Fixture;
let loopback: Server;
let external: Server;
let loopbackPort: number;
let externalPort: number;
const primary = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

function listen(host: string, reply: string): Promise<[Server, number]> {
  const server = createServer((socket) => socket.end(reply));
  return new Promise((resolve) => server.listen(0, host, () => resolve([server, (server.address() as { port: number }).port])));
}

beforeAll(async () => {
  if (!primary) throw new Error('this machine has no non-loopback IPv4 address');
  fx = await makeFixture();
  [loopback, loopbackPort] = await listen('127.0.0.1', 'loopback-only');
  [external, externalPort] = await listen(primary, 'outside');
});
afterAll(async () => {
  await new Promise((resolve) => loopback.close(resolve));
  await new Promise((resolve) => external.close(resolve));
  fx.cleanup();
});

/** slirp4netns processes this test process started. */
function ownSlirps(): number[] {
  return processesMatching('slirp4netns').filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(process.pid);
    } catch {
      return false;
    }
  });
}

/** Prints what HOST:PORT answers, or "unreachable". */
const connect = (host: string, port: number) => `nc -w 3 ${host} ${port} </dev/null || echo unreachable`;

describe.each(['builtin', 'runc'] as const)('%s backend, private network', (name) => {
  let backend: SandboxBackend;
  beforeAll(() => {
    backend = selectBackend(name);
  });

  it('has lo and tap0, reaches the host\'s own non-loopback address, not its 127.0.0.1', async () => {
    const script = [
      'ls /sys/class/net | tr "\\n" " "; echo',
      connect(primary as string, externalPort),
      connect('127.0.0.1', loopbackPort),
      connect('10.0.2.2', loopbackPort),
    ].join('; echo; ');
    const r = await runCaptured(backend, fx.spec(sh(script), { network: 'private' }));
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').map((l) => l.trim()).filter(Boolean)).toEqual(['lo tap0', 'outside', 'unreachable', 'unreachable']);
  });

  it('runs slirp4netns for the run\'s lifetime only', async () => {
    let during: number[] = [];
    await runCaptured(backend, fx.spec(sh('echo up; sleep 1'), { network: 'private' }), {}, (out) => {
      if (out.includes('up')) during = ownSlirps();
    });
    expect(during).toHaveLength(1);
    expect(ownSlirps()).toEqual([]);
  });

  it('fails with a SANDBOX error naming slirp4netns when it is missing', async () => {
    const saved = process.env.TSBUILD_SLIRP4NETNS;
    process.env.TSBUILD_SLIRP4NETNS = '/nonexistent/slirp4netns';
    try {
      await expect(backend.run(fx.spec(sh('true'), { network: 'private' }))).rejects.toMatchObject({
        code: 'SANDBOX', message: expect.stringMatching(/slirp4netns is not installed/) as unknown,
      });
    } finally {
      if (saved === undefined) delete process.env.TSBUILD_SLIRP4NETNS;
      else process.env.TSBUILD_SLIRP4NETNS = saved;
    }
  });
});

describe('private network pieces', () => {
  it('slirp4netns blocks the host loopback, is confined, and reports readiness', () => {
    const args = slirp4netnsArgs(4242);
    expect(args).toEqual(expect.arrayContaining(['--configure', '--disable-host-loopback', '--enable-sandbox', '--enable-seccomp', '--ready-fd=3', '--exit-fd=4']));
    expect(args.slice(-2)).toEqual(['4242', 'tap0']);
  });

  it('resolv.conf points at slirp4netns\'s DNS forwarder and keeps the host\'s search domains and options', () => {
    const host = 'nameserver 127.0.0.53\nnameserver 10.9.9.9\nsearch corp.example\noptions edns0 trust-ad\n';
    expect(privateResolvConf(host)).toBe('nameserver 10.0.2.3\nsearch corp.example\noptions edns0 trust-ad\n');
  });

  it('finds slirp4netns on PATH, or the $TSBUILD_SLIRP4NETNS override only', () => {
    expect(slirp4netnsPath({ PATH: '/nonexistent:/usr/bin' })).toBe('/usr/bin/slirp4netns');
    expect(slirp4netnsPath({ PATH: '/nonexistent' })).toBeUndefined();
    expect(slirp4netnsPath({ PATH: '/usr/bin', TSBUILD_SLIRP4NETNS: '/nonexistent/slirp4netns' })).toBeUndefined();
  });

  it('encodes a private network for the helper as netns-sync on fd 4, and for runc as the held namespace to join', () => {
    const spec = fx.spec(['true'], { network: 'private', rootfs: { kind: 'directory', path: fx.lower } });
    const tokens = encodeHelperSpec(spec, { rootMountpoint: '/r', lowerLinkDir: '/nonexistent', etcMounts: [], cgroupProcs: [] }).toString().split('\0');
    expect(tokens[tokens.indexOf('netns-sync') + 1]).toBe('4');
    expect(tokens).not.toContain('netns');
    expect(ociConfig(spec, '/r', [], '/x', '/proc/42/ns/net').linux['namespaces']).toContainEqual({ type: 'network', path: '/proc/42/ns/net' });
    expect(ociConfig({ ...spec, network: 'none' }, '/r', [], '/x').linux['namespaces']).toContainEqual({ type: 'network' });
  });
});

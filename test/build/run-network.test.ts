// The network of RUN steps, end to end: by default a namespace of its own with outbound access
// through slirp4netns (the host's 127.0.0.1 out of reach), `--network=host` only with the
// network.host entitlement, and a loopback-only namespace plus one warning without slirp4netns.
// Every target is this machine's own address: a server the test listens on.
import { createServer, type Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StepFailedError } from '../../src/errors.js';
import { parseEntitlements } from '../../src/executor/entitlements.js';
import type { BuildEvent } from '../../src/executor/events.js';
import { buildError, buildImage, eventsOf, newRoot, removeTempDirs, unpackImage, writeContext } from './helpers.js';

let root: string;
let loopbackServer: Server;
let externalServer: Server;
let loopbackPort: number;
let externalPort: number;

/** The host's first non-loopback IPv4 address (eth0's), where "outbound" traffic can go here. */
function primaryAddress(): string {
  const address = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!address) throw new Error('this machine has no non-loopback IPv4 address');
  return address.address;
}

function listen(host: string, body: string): Promise<[Server, number]> {
  const server = createServer((_req, res) => res.end(body));
  return new Promise((resolve) => server.listen(0, host, () => resolve([server, (server.address() as { port: number }).port])));
}

beforeAll(async () => {
  root = await newRoot();
  [loopbackServer, loopbackPort] = await listen('127.0.0.1', 'host-loopback-secret');
  [externalServer, externalPort] = await listen(primaryAddress(), 'reached-the-outside');
});
afterAll(async () => {
  await new Promise((resolve) => loopbackServer.close(resolve));
  await new Promise((resolve) => externalServer.close(resolve));
  removeTempDirs();
});

/** A shell command that GETs http://HOST:PORT/ into /got, failing when the server is unreachable. */
function fetch(host: string, port: number): string {
  // busybox nc with a numeric address (the static busybox's wget needs NSS libraries the image lacks).
  return `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${host} ${port} > /got && grep -q '200 OK' /got`;
}

const read = (rootfs: string, file: string) => readFileSync(join(rootfs, file), 'utf8');

describe('RUN network', () => {
  // 10.0.2.2 is slirp4netns's gateway, which maps to the host's loopback unless --disable-host-loopback.
  it.each(['127.0.0.1', '10.0.2.2'])('by default cannot reach a service on the host\'s 127.0.0.1 (as %s)', async (target) => {
    const dockerfile = `FROM busybox\nRUN ${fetch(target, loopbackPort)}\n`;
    const error = await buildError(root, writeContext({}), dockerfile);
    expect(error).toBeInstanceOf(StepFailedError);
    expect(error.message).not.toContain('host-loopback-secret');
  });

  it('by default has its own interfaces (lo, tap0) and reaches the host\'s non-loopback address', async () => {
    const dockerfile = [
      'FROM busybox',
      'RUN tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort > /ifaces',
      `RUN ${fetch(primaryAddress(), externalPort)}`,
      'RUN cat /etc/resolv.conf > /resolv',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(read(rootfs, 'ifaces').trim().split('\n')).toEqual(['lo', 'tap0']);
    expect(read(rootfs, 'got')).toMatch(/reached-the-outside$/);
    expect(read(rootfs, 'resolv')).toMatch(/^nameserver 10\.0\.2\.3$/m);
  });

  it('RUN --network=host needs the network.host entitlement, as BuildKit', async () => {
    const dockerfile = `FROM busybox\nRUN --network=host ${fetch('127.0.0.1', loopbackPort)}\n`;
    const context = writeContext({});
    const error = await buildError(root, context, dockerfile);
    expect(error.message).toMatch(/^Dockerfile:2: .*network\.host is not allowed/);
    expect(error.message).toContain('allow network.host');
    expect(error).toMatchObject({ cliHint: '--allow network.host' });
    const { result } = await buildImage(root, context, dockerfile, { allow: ['network.host'] });
    expect(read(unpackImage(root, result.digest), 'got')).toMatch(/host-loopback-secret$/);
  });

  it('the build-wide --network host is the invoker\'s own choice and needs no entitlement (as buildx)', async () => {
    const dockerfile = `FROM busybox\nRUN ${fetch('127.0.0.1', loopbackPort)}\n`;
    const { result } = await buildImage(root, writeContext({}), dockerfile, { network: 'host' });
    expect(read(unpackImage(root, result.digest), 'got')).toMatch(/host-loopback-secret$/);
  });

  it('without slirp4netns: loopback only, one warning for the build, and the build still works offline', async () => {
    const saved = process.env.TSBUILD_SLIRP4NETNS;
    process.env.TSBUILD_SLIRP4NETNS = '/nonexistent/slirp4netns';
    try {
      const dockerfile = [
        'FROM busybox',
        'RUN tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " > /ifaces',
        `RUN ${fetch(primaryAddress(), externalPort)} || echo unreachable > /got`,
      ].join('\n');
      const { result, events } = await buildImage(root, writeContext({}), dockerfile);
      const rootfs = unpackImage(root, result.digest);
      expect(read(rootfs, 'ifaces').trim()).toBe('lo');
      expect(read(rootfs, 'got').trim()).toBe('unreachable');
      const warnings = eventsOf(events, 'warning').filter((w) => w.message.includes('slirp4netns'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toMatch(/no outbound network/);
    } finally {
      if (saved === undefined) delete process.env.TSBUILD_SLIRP4NETNS;
      else process.env.TSBUILD_SLIRP4NETNS = saved;
    }
  });
});

describe('--allow', () => {
  it('accepts network.host, refuses what tsbuild does not implement and unknown names (usage errors)', () => {
    expect(parseEntitlements(['network.host'])).toEqual(['network.host']);
    expect(() => parseEntitlements(['security.insecure'])).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(/security\.insecure is not supported/) as unknown }));
    expect(() => parseEntitlements(['network.hots'])).toThrow(/unknown entitlement network\.hots/);
  });

  it('a missing entitlement is a usage error found before any step runs', async () => {
    const dockerfile = 'FROM busybox\nRUN touch /first-step-ran\nRUN --network=host true\n';
    const { events, error } = await buildCollecting(dockerfile);
    expect(error.code).toBe('USAGE');
    expect(error.message).toMatch(/^Dockerfile:3: /);
    expect(eventsOf(events, 'step.started')).toEqual([]);
  });
});

async function buildCollecting(dockerfile: string): Promise<{ events: BuildEvent[]; error: Error & { code?: string } }> {
  const events: BuildEvent[] = [];
  const error = await buildError(root, writeContext({}), dockerfile, { onEvent: (e) => events.push(e) });
  return { events, error };
}

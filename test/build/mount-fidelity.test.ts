// RUN --mount as BuildKit: cache mount and ssh socket owner and mode, build-arg expansion of every field.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, newRoot, removeTempDirs, unpackImage, writeContext, readInRootfs, tempDir } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await newRoot();
});
afterAll(removeTempDirs);

const read = readInRootfs;

describe('RUN --mount=type=cache', () => {
  it('applies uid, gid and mode to the cache directory', async () => {
    const dockerfile = [
      'FROM busybox',
      'RUN --mount=type=cache,target=/c1,uid=1234,gid=2345,mode=0750 stat -c "%u %g %a" /c1 > /c1-stat',
      'RUN --mount=type=cache,id=shared,target=/c2 stat -c "%u %g %a" /c2 > /c2-default',
      'RUN --mount=type=cache,id=shared,target=/c2,uid=7,gid=8,mode=0700 stat -c "%u %g %a" /c2 > /c2-owned',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(read(rootfs, 'c1-stat')).toBe('1234 2345 750\n');
    expect(read(rootfs, 'c2-default')).toBe('0 0 755\n');
    expect(read(rootfs, 'c2-owned')).toBe('7 8 700\n');
  });
});

describe('RUN --mount=type=cache with --no-cache (BuildKit prunes the cache mounts of the steps it re-runs)', () => {
  it('a step whose cache is ignored starts with an empty cache mount; later builds see what it left', async () => {
    const ownRoot = await newRoot();
    const dockerfile = (name: string) => [
      'FROM busybox AS a',
      `RUN --mount=type=cache,id=files,target=/c touch /c/${name} && ls /c > /a-seen`,
      'FROM busybox AS b',
      `RUN --mount=type=cache,id=other,target=/c touch /c/${name} && ls /c > /b-seen`,
      'FROM busybox',
      'COPY --from=a /a-seen /',
      'COPY --from=b /b-seen /',
    ].join('\n');
    const seen = async (name: string, options: Parameters<typeof buildImage>[3] = {}) => {
      const { result } = await buildImage(ownRoot, writeContext({}), dockerfile(name), options);
      const rootfs = unpackImage(ownRoot, result.digest);
      return [read(rootfs, 'a-seen').trim().split('\n').join(','), read(rootfs, 'b-seen').trim().split('\n').join(',')];
    };
    expect(await seen('one')).toEqual(['one', 'one']);
    expect(await seen('two', { noCache: true })).toEqual(['two', 'two']);
    // --no-cache-filter: only the filtered stage's steps re-run with emptied mounts.
    expect(await seen('three', { noCacheFilter: ['a'] })).toEqual(['three', 'three,two']);
    expect(await seen('four')).toEqual(['four,three', 'four,three,two']);
  });
});

describe('RUN --mount=type=ssh', () => {
  // dockerfile_ssh_test.go testSSHSocketParams: BuildKit serves a socket of its own, with the
  // mount's uid, gid and mode, that forwards to the agent; the agent's socket is never bound.
  it('applies uid, gid and mode to the agent socket; the default is root 0600', async () => {
    const socket = join(tempDir('tsbuild-ssh-agent-'), 'agent.sock');
    const agent = createServer((connection) => connection.end());
    await new Promise<void>((resolve) => agent.listen(socket, resolve));
    try {
      const dockerfile = [
        'FROM busybox',
        'RUN --mount=type=ssh,mode=741,uid=100,gid=102 stat -c "%u %g %a %F" $SSH_AUTH_SOCK > /with-params',
        'RUN --mount=type=ssh stat -c "%u %g %a %F" $SSH_AUTH_SOCK > /default',
      ].join('\n');
      const { result } = await buildImage(root, writeContext({}), dockerfile, { ssh: [{ id: 'default', socket }] });
      const rootfs = unpackImage(root, result.digest);
      expect(read(rootfs, 'with-params')).toBe('100 102 741 socket\n');
      expect(read(rootfs, 'default')).toBe('0 0 600 socket\n');
    } finally {
      await new Promise<void>((resolve) => agent.close(() => resolve()));
    }
  });
});

describe('RUN --mount with build args', () => {
  it('expands every field, type included', async () => {
    const dockerfile = [
      'FROM busybox AS tools',
      'RUN mkdir -p /sub && echo from-tools > /sub/tool',
      'FROM busybox',
      'ARG T=cache',
      'ARG ID=cid',
      'ARG TARGET=/m',
      'ARG UID=4321',
      'ARG MODE=0710',
      'ARG BIND=bind',
      'ARG SRC=sub',
      'ARG RO=true',
      'RUN --mount=type=$T,id=$ID,target=$TARGET,uid=$UID,gid=${UID},mode=$MODE stat -c "%u %g %a" /m > /cache-stat',
      'RUN --mount=type=$BIND,from=tools,source=$SRC,target=/t,readonly=$RO cat /t/tool > /bind-read && ! touch /t/x 2>/dev/null',
      'RUN --mount=type=${T},id=$ID,target=$TARGET,uid=$UID,gid=${UID},mode=$MODE ls -a /m > /cache-again',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(read(rootfs, 'cache-stat')).toBe('4321 4321 710\n');
    expect(read(rootfs, 'bind-read')).toBe('from-tools\n');
  });

  it('reports an expanded mount option that is invalid', async () => {
    const error = await buildImage(root, writeContext({}), 'FROM busybox\nARG T=nosuch\nRUN --mount=type=$T,target=/m true\n').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/unsupported mount type "nosuch"/);
  });
});

describe('proxy build args', () => {
  it('are in every RUN environment, both cases, but not in the image config or history', async () => {
    const buildArgs = { http_proxy: 'value-h', HTTPS_PROXY: 'value-s', no_proxy: 'value-n', FTP_PROXY: 'value-f', all_proxy: 'value-a' };
    const { result } = await buildImage(root, writeContext({}), 'FROM busybox\nRUN env | grep -i _proxy= | sort > /proxies\n', { buildArgs });
    const rootfs = unpackImage(root, result.digest);
    const expected = Object.entries(buildArgs).flatMap(([name, value]) => [`${name.toUpperCase()}=${value}`, `${name.toLowerCase()}=${value}`]);
    expect(read(rootfs, 'proxies')).toBe(expected.sort().join('\n') + '\n');
    const config = JSON.stringify(result.config);
    expect(config).not.toContain('value-');
  });

  it('given as build args replace a declared ARG of either case in RUN', async () => {
    const dockerfile = 'FROM busybox\nARG http_proxy\nARG NO_PROXY=default-no\nRUN env | grep -i _proxy= | sort > /proxies\n';
    const { result } = await buildImage(root, writeContext({}), dockerfile, { buildArgs: { http_proxy: 'http://p:3128' } });
    expect(read(unpackImage(root, result.digest), 'proxies')).toBe('HTTP_PROXY=http://p:3128\nNO_PROXY=default-no\nhttp_proxy=http://p:3128\n');
  });
});

describe('RUN --mount=type=bind,from=stage,source=sub', () => {
  it('keys the cache on the mounted subdirectory only', async () => {
    const dockerfile = (outside: string, inside: string) => [
      'FROM busybox AS src',
      `RUN mkdir /sub && echo ${inside} > /sub/in && echo ${outside} > /out`,
      'FROM busybox',
      'RUN --mount=type=bind,from=src,source=sub,target=/m cat /m/in > /seen && date +%s%N > /ran',
    ].join('\n');
    const context = writeContext({});
    const first = await buildImage(root, context, dockerfile('outside-1', 'inside-1'));
    const changedOutside = await buildImage(root, context, dockerfile('outside-2', 'inside-1'));
    const changedInside = await buildImage(root, context, dockerfile('outside-2', 'inside-2'));
    const cachedRuns = (events: typeof first.events) => events.filter((e) => e.type === 'step.cached' && e.name.includes('--mount')).length;
    expect(cachedRuns(changedOutside.events)).toBe(1);
    const ran = (run: typeof first) => read(unpackImage(root, run.result.digest), 'ran');
    expect(ran(changedOutside)).toBe(ran(first)); // the same layer: the RUN did not run again
    expect(cachedRuns(changedInside.events)).toBe(0);
    expect(read(unpackImage(root, changedInside.result.digest), 'seen')).toBe('inside-2\n');
  });
});

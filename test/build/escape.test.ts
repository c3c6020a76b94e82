// Hostile Dockerfiles against the real sandbox, in both runtimes: mount sources that are symlinks
// out of their root, and device nodes for the host's disk. Nothing of the host may be read or written.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostBlockDevice } from '../helpers/host-device.js';
import { buildError, buildImage, newRoot, removeTempDirs, unpackImage, writeContext, readInRootfs } from './helpers.js';

let root: string;
let hostDir: string;
let secretFile: string;
let secret: string;
beforeAll(async () => {
  root = await newRoot();
  hostDir = mkdtempSync('/tmp/tsbuild-escape-');
  secret = `HOST-SECRET-${randomBytes(8).toString('hex')}`;
  secretFile = join(hostDir, 'secret');
  writeFileSync(secretFile, secret);
});
afterAll(() => {
  rmSync(hostDir, { recursive: true, force: true });
  removeTempDirs();
});

const read = readInRootfs;

const EVIL_STAGE = ['FROM busybox AS evil', 'RUN ln -s / /hostroot'];

describe.each(['builtin', 'runc'] as const)('%s runtime', (runtime) => {
  it('a read-only bind of a stage symlink to / shows the stage\'s root, not the host\'s', async () => {
    const dockerfile = [
      ...EVIL_STAGE,
      'FROM busybox',
      `RUN --mount=type=bind,from=evil,source=hostroot,target=/h (cat /h${secretFile} || echo unreadable) > /seen 2>&1; ls /h > /listing`,
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile, { runtime });
    const rootfs = unpackImage(root, result.digest);
    expect(read(rootfs, 'seen')).not.toContain(secret);
    expect(read(rootfs, 'listing').split('\n')).toContain('hostroot');
  });

  it('a read-write bind of a stage symlink to / never writes into the host', async () => {
    const planted = join(hostDir, `planted-${runtime}`);
    const dockerfile = [
      ...EVIL_STAGE,
      'FROM busybox',
      `RUN --mount=type=bind,from=evil,source=hostroot,target=/h,rw (echo pwned > /h${planted}) 2>/dev/null; (cat /h${secretFile} || echo unreadable) > /seen 2>&1`,
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile, { runtime });
    expect(existsSync(planted)).toBe(false);
    expect(read(unpackImage(root, result.digest), 'seen')).not.toContain(secret);
  });

  it('a cache mount source that a previous step made a symlink to / stays inside the cache', async () => {
    const id = `escape-${runtime}-${randomBytes(4).toString('hex')}`;
    const dockerfile = [
      'FROM busybox',
      `RUN --mount=type=cache,id=${id},target=/c mkdir -p /c/sub && echo cached > /c/sub/file && ln -s / /c/evil`,
      `RUN --mount=type=cache,id=${id},source=sub,target=/s cat /s/file > /sub-seen`,
      `RUN --mount=type=cache,id=${id},source=evil,target=/h (cat /h${secretFile} || echo unreadable) > /seen 2>&1; ls /h > /listing`,
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile, { runtime });
    const rootfs = unpackImage(root, result.digest);
    expect(read(rootfs, 'sub-seen')).toBe('cached\n');
    expect(read(rootfs, 'seen')).not.toContain(secret);
    expect(read(rootfs, 'listing').split('\n')).toEqual(expect.arrayContaining(['evil', 'sub']));
  });

  it('a context symlink to / used as a bind source resolves inside the context', async () => {
    const context = writeContext({ 'link': { symlink: '/' }, 'marker': 'context-file' });
    const dockerfile = [
      'FROM busybox',
      `RUN --mount=type=bind,source=link,target=/h (cat /h${secretFile} || echo unreadable) > /seen 2>&1; ls /h > /listing`,
    ].join('\n');
    const { result } = await buildImage(root, context, dockerfile, { runtime });
    const rootfs = unpackImage(root, result.digest);
    expect(read(rootfs, 'seen')).not.toContain(secret);
    expect(read(rootfs, 'listing').split('\n')).toContain('marker');
  });

  it('RUN cannot read a host block device through a device node it made', async () => {
    const disk = hostBlockDevice(secret);
    try {
      const dockerfile = [
        'FROM busybox',
        `RUN mknod /tmp/disk b ${disk.major} ${disk.minor}; (head -c 64 /tmp/disk || echo unreadable) > /seen 2>&1; ` +
          `mknod /dev/disk2 b ${disk.major} ${disk.minor}; (head -c 64 /dev/disk2 || echo unreadable) >> /seen 2>&1`,
        'RUN head -c 16 /dev/zero | wc -c > /zero-bytes && echo ok > /dev/null && head -c 4 /dev/urandom | wc -c >> /zero-bytes',
      ].join('\n');
      const { result } = await buildImage(root, writeContext({}), dockerfile, { runtime });
      const rootfs = unpackImage(root, result.digest);
      expect(read(rootfs, 'seen')).not.toContain(secret);
      expect(read(rootfs, 'seen')).toMatch(/unreadable/);
      expect(read(rootfs, 'zero-bytes').split('\n').map((l) => l.trim())).toEqual(['16', '4', '']);
    } finally {
      disk.detach();
    }
  });
});

describe('COPY --from a stage', () => {
  it('follows a symlink to / inside the stage, never to the host file', async () => {
    const dockerfile = [...EVIL_STAGE, 'FROM busybox', `COPY --from=evil /hostroot${secretFile} /copied`].join('\n');
    const error = await buildError(root, writeContext({}), dockerfile);
    expect(error.message).toMatch(/not found/);
    expect(error.message).not.toContain(secret);
  });

  it('expands a wildcard under a symlink to / inside the stage, never listing host directories', async () => {
    const dockerfile = [
      ...EVIL_STAGE, 'RUN mkdir /tmp/tsbuild-escape-stage && echo stage-file > /tmp/tsbuild-escape-stage/secret',
      'FROM busybox', 'COPY --from=evil /hostroot/tmp/tsbuild-escape-*/secret /copied/',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(readdirSync(join(rootfs, 'copied'))).toEqual(['secret']);
    expect(read(rootfs, 'copied/secret')).toBe('stage-file\n');
  });

  it('follows an absolute symlink inside the stage', async () => {
    const dockerfile = [
      'FROM busybox AS files',
      'RUN mkdir -p /data && echo inside > /data/f && ln -s /data /abs',
      'FROM busybox',
      'COPY --from=files /abs/f /copied',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile);
    expect(read(unpackImage(root, result.digest), 'copied')).toBe('inside\n');
  });
});

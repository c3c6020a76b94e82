// RUN end to end in the real sandbox: shell and exec forms, env, network modes, failures, heredocs
// and every --mount type, checked in the unpacked image and in the root's files.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StepFailedError } from '../../src/errors.js';
import { mountsUnder } from '../helpers/leftovers.js';
import {
  buildError, buildImage, eventsOf, layerTexts, newRoot, readBlob, removeTempDirs, tempDir, unpackImage, writeContext, readInRootfs
} from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await newRoot();
});
afterAll(removeTempDirs);

const read = readInRootfs;

describe('RUN', () => {
  it('runs shell form through SHELL, exec form, and sees image env plus ARGs (ARGs stay out of the config)', async () => {
    const dockerfile = [
      'FROM busybox',
      'ENV E=from-env',
      'ARG A=from-arg',
      'SHELL ["/bin/ash", "-c"]',
      'RUN echo "$0" > /shell0 && env > /env',
      'RUN ["/bin/touch", "/exec-form"]',
      'WORKDIR /w',
      'RUN pwd > /cwd && hostname > /hostname',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(read(rootfs, 'shell0').trim()).toBe('/bin/ash');
    const env = read(rootfs, 'env').split('\n');
    expect(env).toContain('E=from-env');
    expect(env).toContain('A=from-arg');
    expect(env).toContain('HOME=/root'); // runc and BuildKit set HOME from /etc/passwd when unset
    expect(existsSync(join(rootfs, 'exec-form'))).toBe(true);
    expect(read(rootfs, 'cwd').trim()).toBe('/w');
    expect(read(rootfs, 'hostname').trim()).toBe('buildkitsandbox');
    expect(result.config.config?.Env).toContain('E=from-env');
    expect(JSON.stringify(result.config.config)).not.toContain('from-arg');
  });

  // The default network (a namespace of its own through slirp4netns) is covered by run-network.test.ts.
  it('--network=none has only lo; --network=host (granted) is the host\'s', async () => {
    const dockerfile = [
      'FROM busybox',
      'RUN --network=none tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " > /net-none',
      'RUN --network=host tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " > /net-host',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile, { allow: ['network.host'] });
    const rootfs = unpackImage(root, result.digest);
    expect(read(rootfs, 'net-none').trim().split('\n')).toEqual(['lo']);
    const hostInterfaces = readdirSync('/sys/class/net').sort();
    expect(read(rootfs, 'net-host').trim().split('\n').sort()).toEqual(hostInterfaces);
  });

  it('a failing RUN rejects with StepFailedError naming file:line, the exit code and the output tail', async () => {
    const dockerfile = ['FROM busybox', 'RUN echo ok', 'RUN echo "boom on stderr" >&2; exit 3'].join('\n');
    const tmp = tempDir('tsbuild-tmp-');
    vi.stubEnv('TMPDIR', tmp); // the sandbox's run dirs go here, to be checked with the root
    const error = await buildError(root, writeContext({}), dockerfile).finally(() => vi.unstubAllEnvs());
    expect(error).toBeInstanceOf(StepFailedError);
    expect(error.code).toBe('STEP_FAILED');
    expect((error as StepFailedError).exitCode).toBe(3);
    expect(error.message).toMatch(/^Dockerfile:3: /);
    expect(error.message).toContain('exit code: 3');
    expect(error.message).toContain('boom on stderr');
    expect(mountsUnder(root, tmp)).toEqual([]);
  });

  it('runs heredocs, with and without a shebang', async () => {
    const dockerfile = [
      'FROM busybox',
      'RUN <<EOF',
      'echo first > /heredoc1',
      'echo second >> /heredoc1',
      'EOF',
      'RUN <<EOT',
      '#!/bin/sh -e',
      'echo "shebang $0" > /heredoc2',
      'EOT',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(read(rootfs, 'heredoc1')).toBe('first\nsecond\n');
    expect(read(rootfs, 'heredoc2')).toMatch(/^shebang \S+/);
  });
});

describe('RUN sandbox like BuildKit', () => {
  // BuildKit resets NoNewPrivileges to false for RUN (executor/oci spec.go), so setuid tools work.
  it('RUN processes may gain privileges through setuid binaries (NoNewPrivs 0)', async () => {
    const { result } = await buildImage(root, writeContext({}), 'FROM busybox\nRUN grep NoNewPrivs /proc/self/status > /nnp\n');
    expect(read(unpackImage(root, result.digest), 'nnp')).toBe('NoNewPrivs:\t0\n');
  });
});

describe('RUN --mount', () => {
  it('type=cache persists between builds and stays out of the layer', async () => {
    const ownRoot = await newRoot();
    const context = writeContext({});
    // The step runs again for a new build arg (--no-cache would empty the cache mount, as BuildKit's).
    const dockerfile = [
      'FROM busybox',
      'ARG RUN_ID',
      'RUN --mount=type=cache,target=/var/cache/app echo run >> /var/cache/app/log && cat /var/cache/app/log > /seen',
    ].join('\n');
    await buildImage(ownRoot, context, dockerfile, { buildArgs: { RUN_ID: '1' } });
    const { result } = await buildImage(ownRoot, context, dockerfile, { buildArgs: { RUN_ID: '2' } });
    const rootfs = unpackImage(ownRoot, result.digest);
    expect(read(rootfs, 'seen')).toBe('run\nrun\n');
    expect(existsSync(join(rootfs, 'var/cache/app/log'))).toBe(false);
    for (const text of layerTexts(ownRoot, result.digest)) expect(text).not.toContain('var/cache/app/log');
  });

  it('type=secret from a file and from env is readable in the step and never stored', async () => {
    const ownRoot = await newRoot();
    const context = writeContext({});
    const secretFile = join(tempDir(), 'token');
    writeFileSync(secretFile, 'FILE-SECRET-8f3a1c');
    process.env.TSBUILD_TEST_SECRET = 'ENV-SECRET-77c2e9';
    const dockerfile = [
      'FROM busybox',
      'RUN --mount=type=secret,id=tok --mount=type=secret,id=envtok,env=TOKEN \\',
      '    md5sum < /run/secrets/tok > /secret-sums && printf %s "$TOKEN" | md5sum >> /secret-sums',
    ].join('\n');
    const secrets = [{ id: 'tok', src: secretFile }, { id: 'envtok', env: 'TSBUILD_TEST_SECRET' }];
    const { result } = await buildImage(ownRoot, context, dockerfile, { secrets, sourceDateEpoch: 1_700_000_000 });
    const rootfs = unpackImage(ownRoot, result.digest);
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    expect(read(rootfs, 'secret-sums').replace(/ +-/g, '')).toBe(`${md5('FILE-SECRET-8f3a1c')}\n${md5('ENV-SECRET-77c2e9')}\n`);
    expect(existsSync(join(rootfs, 'run/secrets/tok'))).toBe(false);
    const stored = [
      ...layerTexts(ownRoot, result.digest),
      readBlob(ownRoot, result.manifest.config.digest).toString('utf8'),
      // every file of the root: blobs (config, manifests), cache records, snapshots
      execFileSync('sh', ['-c', 'grep -rl -e FILE-SECRET -e ENV-SECRET "$0" || true', ownRoot]).toString('utf8'),
    ].join('\n');
    expect(stored).not.toContain('FILE-SECRET-8f3a1c');
    expect(stored).not.toContain('ENV-SECRET-77c2e9');
    // A changed secret value does not invalidate the step (it is not part of the cache key).
    writeFileSync(secretFile, 'FILE-SECRET-changed');
    process.env.TSBUILD_TEST_SECRET = 'ENV-SECRET-changed';
    const again = await buildImage(ownRoot, context, dockerfile, { secrets, sourceDateEpoch: 1_700_000_000 });
    expect(eventsOf(again.events, 'step.cached').filter((e) => !/\] FROM /.test(e.name))).toHaveLength(1);
    expect(again.result.digest).toBe(result.digest);
    delete process.env.TSBUILD_TEST_SECRET;
  });

  it('type=bind from the context is read-only; rw writes are discarded', async () => {
    const context = writeContext({ 'data/file.txt': 'from context\n' });
    const dockerfile = [
      'FROM busybox',
      'RUN --mount=type=bind,source=data,target=/ctx cat /ctx/file.txt > /from-ctx && (touch /ctx/x 2>/dev/null && echo rw || echo ro) > /ctx-mode',
      'RUN --mount=type=bind,source=data,target=/ctx,rw echo changed > /ctx/file.txt && touch /ctx/new && cat /ctx/file.txt > /rw-seen',
    ].join('\n');
    const { result } = await buildImage(root, context, dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(read(rootfs, 'from-ctx')).toBe('from context\n');
    expect(read(rootfs, 'ctx-mode')).toBe('ro\n');
    expect(read(rootfs, 'rw-seen')).toBe('changed\n');
    expect(readFileSync(join(context, 'data/file.txt'), 'utf8')).toBe('from context\n');
    expect(existsSync(join(context, 'data/new'))).toBe(false);
    expect(existsSync(join(rootfs, 'ctx/new'))).toBe(false);
    expect(existsSync(join(rootfs, 'ctx/file.txt'))).toBe(false);
  });

  it('type=bind of the context does not expose .dockerignore\'d files', async () => {
    const context = writeContext({ '.dockerignore': 'private.key\n', 'private.key': 'KEY', 'public.txt': 'pub' });
    const dockerfile = ['FROM busybox', 'RUN --mount=type=bind,target=/ctx ls -a /ctx | sort > /listing'].join('\n');
    const { result } = await buildImage(root, context, dockerfile);
    const listing = read(unpackImage(root, result.digest), 'listing').trim().split('\n');
    expect(listing).toContain('public.txt');
    expect(listing).not.toContain('private.key');
  });

  it('type=bind from another stage, and type=tmpfs', async () => {
    const dockerfile = [
      'FROM busybox AS builder',
      'RUN mkdir /out && echo built > /out/artifact',
      'FROM busybox',
      'RUN --mount=type=bind,from=builder,source=/out,target=/b cp /b/artifact /artifact && (touch /b/x 2>/dev/null && echo rw || echo ro) > /b-mode',
      'RUN --mount=type=tmpfs,target=/t echo x > /t/f && grep " /t " /proc/mounts | cut -d" " -f3 > /t-type',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(read(rootfs, 'artifact')).toBe('built\n');
    expect(read(rootfs, 'b-mode')).toBe('ro\n');
    expect(read(rootfs, 't-type')).toBe('tmpfs\n');
    expect(existsSync(join(rootfs, 't/f'))).toBe(false);
    expect(existsSync(join(rootfs, 'out'))).toBe(false);
  });
});

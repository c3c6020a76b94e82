// The environment's SOURCE_DATE_EPOCH reaches the Dockerfile as buildx passes it: as the build
// arg SOURCE_DATE_EPOCH when no --build-arg sets one, so a stage's `ARG SOURCE_DATE_EPOCH` sees
// it; the API's `sourceDateEpoch` option plays the environment's part.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBuildArgFlags } from '../../src/cli/build-flags.js';
import { buildImage, eventsOf, newRoot, readConfig, readInRootfs, removeTempDirs, tempDir, unpackImage, writeContext } from './helpers.js';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const dockerfile = 'FROM busybox\nARG SOURCE_DATE_EPOCH\nRUN echo -n "$SOURCE_DATE_EPOCH" > /epoch\n';

afterAll(() => removeTempDirs());

function cliBuild(root: string, context: string, env: Record<string, string>, args: string[] = []) {
  const dest = tempDir('tsbuild-epoch-out-');
  const result = spawnSync(process.execPath, ['--import', 'tsx', cli, 'build', '--progress', 'plain', '-o', `type=local,dest=${dest}`, ...args, context], {
    env: { ...process.env, TSBUILD_ROOT: root, ...env }, encoding: 'utf8', timeout: 120_000,
  });
  return { ...result, dest };
}

const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

describe('SOURCE_DATE_EPOCH from the environment', () => {
  it('the CLI passes it as the build arg, which a --build-arg overrides; unused, it draws no warning', async () => {
    const root = await newRoot();
    const context = writeContext({ Dockerfile: dockerfile });
    const fromEnv = cliBuild(root, context, { SOURCE_DATE_EPOCH: '1700000123' });
    expect(fromEnv.stderr).not.toMatch(/\n\s+at /);
    expect(fromEnv.status).toBe(0);
    expect(readFileSync(join(fromEnv.dest, 'epoch'), 'utf8')).toBe('1700000123');
    const overridden = cliBuild(root, context, { SOURCE_DATE_EPOCH: '1700000123' }, ['--build-arg', 'SOURCE_DATE_EPOCH=1700000456']);
    expect(overridden.status).toBe(0);
    expect(readFileSync(join(overridden.dest, 'epoch'), 'utf8')).toBe('1700000456');
    const unused = cliBuild(root, writeContext({ Dockerfile: 'FROM scratch\nCOPY Dockerfile /\n' }), { SOURCE_DATE_EPOCH: '1700000123' });
    expect(unused.status).toBe(0);
    expect(unused.stderr).not.toMatch(/were not consumed/);
    const invalid = cliBuild(root, context, { SOURCE_DATE_EPOCH: 'yesterday' });
    expect(invalid.stderr).toMatch(/invalid SOURCE_DATE_EPOCH: yesterday/);
    expect(invalid.status).toBe(2);
  }, 300_000);

  it('parseBuildArgFlags adds it only when no --build-arg names it (an empty one too: it unsets)', () => {
    expect(parseBuildArgFlags(['A=1'], { SOURCE_DATE_EPOCH: '5' })).toEqual({ A: '1', SOURCE_DATE_EPOCH: '5' });
    expect(parseBuildArgFlags(['SOURCE_DATE_EPOCH='], { SOURCE_DATE_EPOCH: '5' })).toEqual({ SOURCE_DATE_EPOCH: '' });
    expect(parseBuildArgFlags([], {})).toEqual({});
  });
});

describe('the API option sourceDateEpoch', () => {
  it('is the build arg a stage ARG sees, and dates the image', async () => {
    const root = await newRoot();
    const { result } = await buildImage(root, writeContext({}), dockerfile, { sourceDateEpoch: 1700000200 });
    expect(readInRootfs(unpackImage(root, result.digest), 'epoch')).toBe('1700000200');
    expect(readConfig(root, result.digest).created).toBe(isoOf(1700000200));
  }, 120_000);

  it('gives way to buildArgs.SOURCE_DATE_EPOCH, as the environment gives way to --build-arg', async () => {
    const root = await newRoot();
    const { result, events } = await buildImage(root, writeContext({}), dockerfile, {
      sourceDateEpoch: 1700000200, buildArgs: { SOURCE_DATE_EPOCH: '1700000300' },
    });
    expect(readInRootfs(unpackImage(root, result.digest), 'epoch')).toBe('1700000300');
    expect(readConfig(root, result.digest).created).toBe(isoOf(1700000300));
    expect(eventsOf(events, 'warning')).toEqual([]);
  }, 120_000);
});

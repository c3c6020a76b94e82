// COPY --link: a layer made on an empty rootfs, keyed without its parent, reused on a new base.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, eventsOf, newRoot, readManifest, removeTempDirs, unpackImage, writeContext } from './helpers.js';

let root: string;

beforeAll(async () => {
  root = await newRoot();
  // A second base image: busybox plus one file.
  await buildImage(root, writeContext({}), 'FROM busybox\nRUN echo two > /base-two\n', { tags: ['base:2'] });
});
afterAll(() => removeTempDirs());

describe('COPY --link', () => {
  it('is reused when the base changes, where a plain COPY is rebuilt', async () => {
    const context = writeContext({ 'app.txt': 'app\n' });
    const dockerfile = 'ARG BASE\nFROM $BASE\nCOPY --link app.txt /app/app.txt\nCOPY app.txt /plain/app.txt\n';
    await buildImage(root, context, dockerfile, { buildArgs: { BASE: 'busybox' } });
    const rebased = await buildImage(root, context, dockerfile, { buildArgs: { BASE: 'base:2' } });
    expect(eventsOf(rebased.events, 'step.cached').filter((e) => !/\] FROM /.test(e.name)).map((e) => e.line)).toEqual([3]);
    expect(eventsOf(rebased.events, 'step.done').map((e) => e.line)).toContain(4);
    const rootfs = unpackImage(root, rebased.result.digest);
    expect(readFileSync(join(rootfs, 'app/app.txt'), 'utf8')).toBe('app\n');
    expect(readFileSync(join(rootfs, 'base-two'), 'utf8')).toBe('two\n');
  });

  it('holds only the copied files and resolves --chown names through the base image', async () => {
    const context = writeContext({ 'owned.txt': 'x\n' });
    const { result } = await buildImage(root, context, 'FROM busybox\nCOPY --link --chown=nobody owned.txt /srv/owned.txt\n');
    const layers = readManifest(root, result.digest).layers;
    expect(layers).toHaveLength(2);
    const blob = join(root, 'blobs', 'sha256', layers[1].digest.slice(7));
    const listing = execFileSync('tar', ['--numeric-owner', '-tvf', blob], { encoding: 'utf8' }).trim().split('\n');
    expect(listing.map((line) => line.split(/\s+/).at(-1))).toEqual(['srv/', 'srv/owned.txt']);
    expect(listing[1]).toMatch(/ 65534\/65534 /);
    const rootfs = unpackImage(root, result.digest);
    expect(readFileSync(join(rootfs, 'srv/owned.txt'), 'utf8')).toBe('x\n');
  });
});

// A rebuild where every step is cached does the lookups and nothing else: no scratch directory is
// made for a cached COPY (an inode made and freed per step, on every warm build).
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImage, eventsOf, newRoot, removeTempDirs, writeContext } from './helpers.js';

afterAll(removeTempDirs);

const DOCKERFILE = [
  'FROM busybox AS build',
  'WORKDIR /src',
  'COPY app.txt ./',
  'RUN cp app.txt built.txt',
  'FROM busybox',
  'COPY --from=build /src/built.txt /built.txt',
].join('\n');

describe('a fully cached rebuild', () => {
  it('creates nothing in the root scratch directory', async () => {
    const root = await newRoot();
    const context = writeContext({ 'app.txt': 'hello\n' });
    const first = await buildImage(root, context, DOCKERFILE, { tags: ['noop:1'] });
    const tmp = lstatSync(join(root, 'tmp'), { bigint: true });
    const second = await buildImage(root, context, DOCKERFILE, { tags: ['noop:1'] });
    expect(eventsOf(second.events, 'step.cached').length).toBeGreaterThanOrEqual(4);
    // Dockerfile steps only: the export and base-image lookups are steps without a line.
    expect(eventsOf(second.events, 'step.started').filter((e) => e.line !== undefined && !/\] FROM /.test(e.name))).toEqual([]);
    expect(second.result.imageId).toBe(first.result.imageId);
    const after = lstatSync(join(root, 'tmp'), { bigint: true });
    expect({ mtime: after.mtimeNs, ctime: after.ctimeNs }).toEqual({ mtime: tmp.mtimeNs, ctime: tmp.ctimeNs });
  }, 120_000);
});

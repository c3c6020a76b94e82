// Early cut-off: COPY --from is keyed by the files it copies, as BuildKit's content-based keys
// are. When the source stage reruns and produces the same files, the COPY --from and every step
// after it are CACHED; when the files differ, --explain-cache names them, not a "parent step".
// The keys survive a remote cache: a fresh root importing it cuts off at the same place.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, eventsOf, newRoot, removeTempDirs, tempDir, writeContext, type BuildRun } from './helpers.js';

afterAll(removeTempDirs);

const DOCKERFILE = [
  'FROM busybox AS build',
  'COPY input.txt /input.txt',
  // Only the first three characters reach the output: an edit after them changes nothing built.
  'RUN mkdir /out && cut -c1-3 /input.txt > /out/result.txt && echo fixed > /out/fixed.txt',
  'FROM busybox',
  'COPY --from=build /out/ /app/',
  'RUN cat /app/result.txt > /app/seen.txt',
].join('\n');

const ran = (run: BuildRun) => eventsOf(run.events, 'step.started').filter((e) => !/\] FROM /.test(e.name) && e.stepId !== 'export').map((e) => e.line ?? 0).sort((a, b) => a - b);
const cached = (run: BuildRun) => eventsOf(run.events, 'step.cached').filter((e) => !/\] FROM /.test(e.name)).map((e) => e.line ?? 0).sort((a, b) => a - b);

describe('COPY --from keyed by the files copied', () => {
  let root: string;
  let context: string;
  let first: BuildRun;
  beforeAll(async () => {
    root = await newRoot();
    context = writeContext({ 'input.txt': 'abc-1\n' });
    first = await buildImage(root, context, DOCKERFILE);
  });

  it('reuses COPY --from and what follows when the source stage reruns to the same files', async () => {
    writeFileSync(join(context, 'input.txt'), 'abc-2\n');
    const second = await buildImage(root, context, DOCKERFILE, { explainCache: true });
    expect(ran(second)).toEqual([2, 3]);
    expect(cached(second)).toEqual([5, 6]);
    expect(second.result.imageId).toBe(first.result.imageId);
  });

  it('reruns COPY --from when the files differ and says which stage produced them', async () => {
    writeFileSync(join(context, 'input.txt'), 'xyz-3\n');
    const third = await buildImage(root, context, DOCKERFILE, { explainCache: true });
    expect(ran(third)).toEqual([2, 3, 5, 6]);
    const copyMiss = eventsOf(third.events, 'cache.miss').find((e) => e.line === 5);
    expect(copyMiss?.reasons.join('; ')).toMatch(/^files copied from \[build 3\/3\] RUN mkdir .* changed$/);
    expect(copyMiss?.reasons.join('; ')).not.toMatch(/parent step/);
  });

  it('cuts off the same way on a fresh root importing the cache (type=local)', async () => {
    const cacheDir = join(tempDir('tsbuild-cutoff-cache-'), 'cache');
    const rootA = await newRoot();
    const ctx = writeContext({ 'input.txt': 'abc-1\n' });
    await buildImage(rootA, ctx, DOCKERFILE, { cacheTo: [{ location: { type: 'local', dir: cacheDir }, mode: 'max' }] });
    writeFileSync(join(ctx, 'input.txt'), 'abc-2\n');
    const rootB = await newRoot();
    const b = await buildImage(rootB, ctx, DOCKERFILE, { cacheFrom: [{ type: 'local', dir: cacheDir }] });
    expect(ran(b)).toEqual([2, 3]);
    expect(cached(b)).toEqual([5, 6]);
  });
});

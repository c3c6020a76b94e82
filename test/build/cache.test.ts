// The build cache end to end: no-change rebuilds are all cached and byte-identical, an edit misses
// exactly the steps after it (and --explain-cache says why), build args and labels invalidate only
// what they should, noCache reruns everything, and SOURCE_DATE_EPOCH makes fresh roots agree.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EPOCH, buildImage, eventsOf, newRoot, removeTempDirs, writeContext, type BuildRun } from './helpers.js';

afterAll(removeTempDirs);

const LAYER_DOCKERFILE = [
  'FROM busybox',
  'COPY a.txt /a.txt',
  'RUN cat /a.txt > /a.copy',
  'COPY b.txt /b.txt',
  'RUN cat /b.txt > /b.copy',
].join('\n');

/** The Dockerfile lines of the layer steps that ran (not cached), sorted. */
function ranLines(run: BuildRun): number[] {
  return eventsOf(run.events, 'step.started').filter((e) => !/\] FROM /.test(e.name) && e.stepId !== 'export').map((e) => e.line ?? 0).sort((x, y) => x - y);
}

/** The Dockerfile lines of the layer steps that were cached (a base already unpacked shows CACHED too), sorted. */
function cachedLines(run: BuildRun): number[] {
  return eventsOf(run.events, 'step.cached').filter((e) => !/\] FROM /.test(e.name)).map((e) => e.line ?? 0).sort((x, y) => x - y);
}

describe('build cache', () => {
  let root: string;
  let context: string;
  let first: BuildRun;
  beforeAll(async () => {
    root = await newRoot();
    context = writeContext({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    first = await buildImage(root, context, LAYER_DOCKERFILE, { sourceDateEpoch: EPOCH });
  });

  it('runs every step the first time and caches every step the second time, with the same digest', async () => {
    expect(ranLines(first)).toEqual([2, 3, 4, 5]);
    expect(cachedLines(first)).toEqual([]);
    const second = await buildImage(root, context, LAYER_DOCKERFILE, { sourceDateEpoch: EPOCH });
    expect(cachedLines(second)).toEqual([2, 3, 4, 5]);
    expect(ranLines(second)).toEqual([]);
    expect(second.result.digest).toBe(first.result.digest);
  });

  it('an edited context file misses exactly the steps after it, and --explain-cache names the file', async () => {
    const ownRoot = await newRoot();
    const ownContext = writeContext({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    await buildImage(ownRoot, ownContext, LAYER_DOCKERFILE, { sourceDateEpoch: EPOCH });
    writeFileSync(join(ownContext, 'b.txt'), 'b edited\n');
    const edited = await buildImage(ownRoot, ownContext, LAYER_DOCKERFILE, { sourceDateEpoch: EPOCH, explainCache: true });
    expect(cachedLines(edited)).toEqual([2, 3]);
    expect(ranLines(edited)).toEqual([4, 5]);
    const misses = eventsOf(edited.events, 'cache.miss');
    expect(misses.map((m) => m.line)).toEqual([4, 5]);
    expect(misses[0].reasons).toEqual(['file changed: b.txt']);
    expect(misses[1].reasons.join('\n')).toContain('COPY b.txt /b.txt');
  });

  // A cache hit records the step identity too, so a Dockerfile whose first build was served from
  // cache (here: another context with the same files) still gets its miss explained.
  it('--explain-cache names the file after a first build that was all cache hits', async () => {
    const ownContext = writeContext({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    await buildImage(root, ownContext, LAYER_DOCKERFILE, { sourceDateEpoch: EPOCH });
    writeFileSync(join(ownContext, 'b.txt'), 'b edited again\n');
    const edited = await buildImage(root, ownContext, LAYER_DOCKERFILE, { sourceDateEpoch: EPOCH, explainCache: true });
    expect(eventsOf(edited.events, 'cache.miss').find((m) => m.line === 4)?.reasons).toEqual(['file changed: b.txt']);
  });

  it('a changed build arg invalidates only the steps that can see it', async () => {
    const dockerfile = [
      'FROM busybox AS other',
      'RUN echo other > /other',
      'FROM busybox',
      'RUN echo before > /before',
      'ARG FLAVOR=plain',
      'RUN echo "$FLAVOR" > /flavor',
      'COPY --from=other /other /other',
    ].join('\n');
    await buildImage(root, context, dockerfile);
    const changed = await buildImage(root, context, dockerfile, { buildArgs: { FLAVOR: 'spicy' } });
    expect(cachedLines(changed)).toEqual([2, 4]);
    expect(ranLines(changed)).toEqual([6, 7]);
  });

  it('a changed LABEL does not invalidate a later RUN', async () => {
    const dockerfile = (label: string) => ['FROM busybox', `LABEL version=${label}`, 'RUN echo run > /run.txt'].join('\n');
    const one = await buildImage(root, context, dockerfile('1'));
    const two = await buildImage(root, context, dockerfile('2'));
    expect(cachedLines(two)).toEqual([3]);
    expect(two.result.config.config?.Labels).toEqual({ version: '2' });
    expect(two.result.digest).not.toBe(one.result.digest);
  });

  it('noCache reruns every step', async () => {
    const rerun = await buildImage(root, context, LAYER_DOCKERFILE, { sourceDateEpoch: EPOCH, noCache: true });
    expect(cachedLines(rerun)).toEqual([]);
    expect(ranLines(rerun)).toEqual([2, 3, 4, 5]);
  });
});

describe('concurrent builds on one root', () => {
  it('three identical builds at once all succeed with the same digest', async () => {
    const root = await newRoot();
    const context = writeContext({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const dockerfile = `${LAYER_DOCKERFILE}\nRUN --mount=type=cache,target=/c echo x >> /c/log`;
    const runs = await Promise.all([1, 2, 3].map(() => buildImage(root, context, dockerfile, { sourceDateEpoch: EPOCH })));
    expect(new Set(runs.map((r) => r.result.digest)).size).toBe(1);
  });
});

describe('reproducibility', () => {
  it('SOURCE_DATE_EPOCH and two fresh roots give the same manifest digest', async () => {
    const context = writeContext({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const [rootA, rootB] = await Promise.all([newRoot(), newRoot()]);
    const a = await buildImage(rootA, context, LAYER_DOCKERFILE, { sourceDateEpoch: EPOCH });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a later wall clock must not matter
    const b = await buildImage(rootB, context, LAYER_DOCKERFILE, { sourceDateEpoch: EPOCH });
    expect(b.result.digest).toBe(a.result.digest);
    expect(a.result.config.created).toBe(new Date(EPOCH * 1000).toISOString().replace('.000Z', 'Z'));
  });
});

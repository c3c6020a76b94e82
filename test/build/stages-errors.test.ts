// Multi-stage scheduling (unreachable stages, --target, parallel stages) and the errors a user
// sees: missing Dockerfile, missing COPY source, unsupported features, and cancellation that
// leaves no mount and no process behind.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { build } from '../../src/executor/build.js';
import { mountsUnder, processesMatching, uniqueSleepSeconds } from '../helpers/leftovers.js';
import { buildError, buildImage, eventsOf, newRoot, removeTempDirs, tempDir, unpackImage, writeContext } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await newRoot();
});
afterAll(removeTempDirs);

const STAGES = [
  'FROM busybox AS broken',
  'RUN exit 1',
  'FROM busybox AS a',
  'RUN echo a > /a',
  'FROM busybox AS b',
  'RUN echo b > /b',
  'FROM busybox AS final',
  'COPY --from=a /a /a',
  'COPY --from=b /b /b',
  'FROM final AS after',
  'RUN exit 2',
].join('\n');

describe('multi-stage', () => {
  it('never runs stages the target does not need, and --target stops at the named stage', async () => {
    const { result, events } = await buildImage(root, writeContext({}), STAGES, { target: 'final' });
    const rootfs = unpackImage(root, result.digest);
    expect(readFileSync(join(rootfs, 'a'), 'utf8')).toBe('a\n');
    expect(readFileSync(join(rootfs, 'b'), 'utf8')).toBe('b\n');
    const started = eventsOf(events, 'step.started').map((e) => e.line);
    expect(started).not.toContain(2);
    expect(started).not.toContain(11);
    expect(started).toEqual(expect.arrayContaining([4, 6, 8, 9]));
    // BuildKit's progress names: each stage counts FROM as 1, also when the FROM step is shared.
    const names = eventsOf(events, 'step.started').map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining([
      '[a 2/2] RUN echo a > /a', '[b 2/2] RUN echo b > /b', '[final 2/3] COPY --from=a /a /a', '[final 3/3] COPY --from=b /b /b',
    ]));
  });

  it('runs independent stages in parallel (each waits for the other through a shared cache mount)', async () => {
    const wait = (mine: string, other: string) =>
      `RUN --mount=type=cache,target=/sync,id=parallel-${Date.now()} touch /sync/${mine} && ` +
      `i=0; while [ ! -e /sync/${other} ]; do i=$((i+1)); [ $i -lt 300 ] || exit 9; sleep 0.1; done; echo ${mine} > /${mine}`;
    const dockerfile = [
      'FROM busybox AS left', wait('left', 'right'),
      'FROM busybox AS right', wait('right', 'left'),
      'FROM busybox', 'COPY --from=left /left /left', 'COPY --from=right /right /right',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(readdirSync(rootfs)).toEqual(expect.arrayContaining(['left', 'right']));
  });
});

describe('errors', () => {
  it('a missing Dockerfile fails with NOT_FOUND naming the path', async () => {
    const context = writeContext({});
    const error = await build({ context, root }).catch((e: unknown) => e as Error & { code?: string });
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: string }).code).toBe('NOT_FOUND');
    expect((error as Error).message).toContain(join(context, 'Dockerfile'));
  });

  it('COPY of a missing file names the Dockerfile line and the file', async () => {
    const error = await buildError(root, writeContext({ 'here.txt': 'x' }), 'FROM busybox\nCOPY here.txt /here\nCOPY missing.txt /x\n');
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toMatch(/^Dockerfile:3: /);
    expect(error.message).toContain('"/missing.txt": not found');
    expect(error.message).toMatch(/not found/);
  });

  it('COPY --from a stage of a missing path names the Dockerfile line and the path', async () => {
    const dockerfile = 'FROM busybox AS builder\nRUN true\nFROM busybox\nCOPY --from=builder /no/such/file /x\n';
    const error = await buildError(root, writeContext({}), dockerfile);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toMatch(/^Dockerfile:4: /);
    expect(error.message).toContain('/no/such/file');
  });

  it.each([
    ['an unknown USER', 'FROM busybox\nUSER nosuch\nRUN true\n', 'STEP_FAILED', 'unable to find user nosuch'],
    ['a missing bind mount source', 'FROM busybox\nRUN true\nRUN --mount=type=bind,source=nope,target=/x true\n', 'NOT_FOUND', '"/nope": not found'],
    ['a missing required secret', 'FROM busybox\nRUN true\nRUN --mount=type=secret,id=x,required true\n', 'USAGE', 'secret x: not found'],
  ])('%s fails naming the RUN line', async (_name, dockerfile, code, text) => {
    const error = await buildError(root, writeContext({}), dockerfile);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^Dockerfile:3: /);
    expect(error.message).toContain(text);
  });

  it('a sandbox that cannot be set up names the RUN line (crun is not installed here)', async () => {
    const error = await buildError(root, writeContext({}), 'FROM busybox\nRUN true\n', { runtime: 'crun', noCache: true });
    expect(error.message).toMatch(/^Dockerfile:2: .*crun/);
  });

  it('a cancelled build rejects with CANCELLED and leaves no mount and no process', async () => {
    const controller = new AbortController();
    const marker = uniqueSleepSeconds(2900);
    const context = writeContext({});
    const tmp = tempDir('tsbuild-tmp-');
    vi.stubEnv('TMPDIR', tmp); // the sandbox's run dirs go here, to be checked with the root
    const pending = buildImage(root, context, `FROM busybox\nRUN sleep ${marker}\n`, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'step.log' || (event.type === 'step.started' && event.line === 2)) setTimeout(() => controller.abort(), 300);
      },
    }).then(() => undefined, (e: unknown) => e as Error & { code?: string }).finally(() => vi.unstubAllEnvs());
    const error = await pending;
    expect(error?.code).toBe('CANCELLED');
    expect(mountsUnder(root, tmp)).toEqual([]);
    expect(processesMatching(`sleep ${marker}`)).toEqual([]);
  });
});

// Resource limits of RUN steps, end to end in the real sandbox: `--memory` OOM-kills a step that
// allocates more (with an error that says so), a pids limit stops a fork loop, every RUN gets a
// default pids limit, and docker build's legacy limit flags map onto the sandbox's limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toOptions } from '../../src/cli/commands/build.js';
import { StepFailedError } from '../../src/errors.js';
import { DEFAULT_RUN_PIDS_LIMIT, runLimits } from '../../src/executor/run-limits.js';
import { buildError, buildImage, newRoot, removeTempDirs, writeContext } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await newRoot();
});
afterAll(removeTempDirs);

describe('RUN resource limits', () => {
  it('a step over its --memory limit is OOM-killed and the error says so', async () => {
    // dd's 100 MiB block buffer is filled from /dev/zero: all of it is touched.
    const dockerfile = 'FROM busybox\nRUN dd if=/dev/zero of=/dev/null bs=100M count=1\n';
    const error = await buildError(root, writeContext({}), dockerfile, { runLimits: { memoryBytes: 32 * 1024 * 1024 } });
    expect(error).toBeInstanceOf(StepFailedError);
    expect(error.message).toMatch(/^Dockerfile:2: /);
    expect(error.message).toContain('exit code: 137');
    expect(error.message).toMatch(/exit code: 137 \(out of memory: the step's memory limit is 32 MiB\)/);
  });

  it('the same step passes without the limit', async () => {
    await buildImage(root, writeContext({}), 'FROM busybox\nRUN dd if=/dev/zero of=/dev/null bs=100M count=1\n');
  });

  it('a pids limit stops a fork loop', async () => {
    const dockerfile = 'FROM busybox\nRUN for i in $(seq 60); do sleep 3 & done; wait\n';
    const error = await buildError(root, writeContext({}), dockerfile, { runLimits: { pidsLimit: 20 } });
    expect(error).toBeInstanceOf(StepFailedError);
    expect(error.message).toMatch(/can't fork|Resource temporarily unavailable/);
    await buildImage(root, writeContext({}), dockerfile, { runLimits: { pidsLimit: 100 } });
  });

  it(`every RUN gets a pids limit of ${DEFAULT_RUN_PIDS_LIMIT} unless told otherwise (0: unlimited)`, () => {
    expect(DEFAULT_RUN_PIDS_LIMIT).toBe(4096);
    expect(runLimits({}, true)).toEqual({ pidsLimit: 4096 });
    expect(runLimits({ pidsLimit: 0 }, true)).toEqual({});
    expect(runLimits({ pidsLimit: 50, memoryBytes: 1 << 30, cpus: 1.5 }, true)).toEqual({ pidsLimit: 50, memoryBytes: 1 << 30, cpus: 1.5 });
    // Where no cgroup can limit pids (no controller, or not root), the default is left out, not an error.
    expect(runLimits({}, false)).toEqual({});
  });
});

describe('docker build limit flags', () => {
  const flags = {
    tag: [], buildArg: [], label: [], output: [], cacheFrom: [], cacheTo: [], secret: [], ssh: [], cache: true,
    noCacheFilter: [], network: 'default' as const, allow: [], progress: 'plain' as const, runtime: 'auto' as const,
  };

  it('--memory, --memory-swap equal to it, --cpu-quota/--cpu-period and --pids-limit map onto the sandbox limits', () => {
    const options = toOptions('.', { ...flags, memory: '64m', memorySwap: '64m', cpuQuota: '50000', cpuPeriod: '200000', pidsLimit: '300' });
    expect(options.runLimits).toEqual({ memoryBytes: 64 * 1024 * 1024, cpus: 0.25, pidsLimit: 300 });
    expect(toOptions('.', { ...flags, cpuQuota: '150000' }).runLimits).toEqual({ cpus: 1.5 });
    expect(toOptions('.', { ...flags, pidsLimit: '-1' }).runLimits).toEqual({ pidsLimit: 0 });
  });

  it.each([
    [{ cpuShares: '512' }, /--cpu-shares is not supported by tsbuild yet/],
    [{ cpusetCpus: '0-1' }, /--cpuset-cpus is not supported by tsbuild yet/],
    [{ memory: '64m', memorySwap: '128m' }, /--memory-swap other than --memory is not supported/],
    [{ memorySwap: '128m' }, /--memory-swap needs --memory/],
    [{ cpuQuota: 'x' }, /invalid --cpu-quota/],
    [{ memory: '1q' }, /invalid memory size/],
  ])('refuses %j with a usage error (exit 2)', (extra, message) => {
    expect(() => toOptions('.', { ...flags, ...extra })).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(message) as unknown }));
  });
});

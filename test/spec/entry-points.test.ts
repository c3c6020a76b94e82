// The same platform, reference and duration probes fed to every entry point of the CLI (`plan`,
// `build`, `pull`, `run`, `prune`) and of the Node API (`import … from 'tsbuild'`): each rule lives once in src/spec, so every command must give
// the same verdict, the same normalised value and the same exit status for the same text.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plan as apiPlan, pull as apiPull, TsbuildError } from 'tsbuild';
import { ExitStatus, exitStatusFor } from '../../src/cli/exit-status.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const HEX = 'a'.repeat(64);
/** `run` exits as `docker run` does: 125 for anything that stops the container from starting. */
const RUN_NOT_STARTED = 125;
let work: string;
let root: string;

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

function tsbuild(args: string[]): Outcome {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: work, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TSBUILD_ROOT: root, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Plans a one-file Dockerfile and returns the JSON plan, or the failure. */
function planOf(dockerfile: string, extra: string[] = []): Outcome & { plan?: { platforms: string[]; steps: unknown[] } } {
  const file = join(work, `Dockerfile.${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, dockerfile);
  const outcome = tsbuild(['plan', '--format', 'json', '-f', file, ...extra, '.']);
  return outcome.status === 0 ? { ...outcome, plan: JSON.parse(outcome.stdout) as { platforms: string[]; steps: unknown[] } } : outcome;
}

function buildOf(dockerfile: string, extra: string[] = []): Outcome {
  const file = join(work, `Dockerfile.${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, dockerfile);
  return tsbuild(['build', '--progress', 'plain', '-f', file, ...extra, '.']);
}

/** The error line a command printed (the first line starting with `error:`). */
function errorLine(outcome: Outcome): string {
  return outcome.stderr.split('\n').find((line) => line.startsWith('error:')) ?? `(no error; status ${outcome.status})`;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tsbuild-spec-probes-'));
  root = join(work, 'root');
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('platform probes give one answer on every entry point', () => {
  const valid: [string, string][] = [
    ['linux/amd64', 'linux/amd64'],
    ['LINUX/AMD64', 'linux/amd64'],
    ['arm64', 'linux/arm64'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/x86_64', 'linux/amd64'],
    ['linux/armel', 'linux/arm/v6'],
    ['linux/armhf', 'linux/arm/v7'],
    ['linux/arm', 'linux/arm/v7'],
  ];
  it.each(valid)('%s is %s for plan --platform, FROM --platform, build, pull and run', (probe, normalised) => {
    expect(planOf('FROM scratch\n', ['--platform', probe]).plan?.platforms).toEqual([normalised]);
    const fromFlag = planOf(`FROM --platform=${probe} scratch\n`);
    expect(fromFlag.status, fromFlag.stderr).toBe(0);
    expect(JSON.stringify(fromFlag.plan?.steps)).toContain(`"platform":"${normalised}"`);
    const build = buildOf('FROM scratch\n', ['--platform', probe]);
    expect(build.status, build.stderr).toBe(0);
    // No registry listens on port 1 and no such image is stored: these fail, but not on the platform.
    const pull = tsbuild(['pull', '--platform', probe, '127.0.0.1:1/probe:1']);
    expect(pull.status, pull.stderr).toBe(ExitStatus.Failure);
    const run = tsbuild(['run', '--pull', 'never', '--platform', probe, 'probe/none:1']);
    expect(run.status, run.stderr).toBe(RUN_NOT_STARTED);
    expect(errorLine(run)).toMatch(/not in the local store/);
    expect(pull.stderr + run.stderr).not.toMatch(/invalid platform/i);
  });

  const invalid = ['linux/foo', 'foo/amd64', 'linux//amd64', 'linux/amd64/v1/x', 'linux/arm64@x'];
  it.each(invalid)('%s is rejected with one message and exit status 2 by plan, build, pull and run', (probe) => {
    const outcomes = {
      plan: planOf('FROM scratch\n', ['--platform', probe]),
      build: buildOf('FROM scratch\n', ['--platform', probe]),
      pull: tsbuild(['pull', '--platform', probe, '127.0.0.1:1/probe:1']),
      run: tsbuild(['run', '--pull', 'never', '--platform', probe, 'probe/none:1']),
    };
    const lines = Object.values(outcomes).map(errorLine);
    expect(lines[0]).toMatch(/invalid platform/);
    expect(new Set(lines).size, lines.join('\n')).toBe(1);
    expect(Object.values(outcomes).map((o) => o.status)).toEqual([ExitStatus.Usage, ExitStatus.Usage, ExitStatus.Usage, RUN_NOT_STARTED]);
    // In a Dockerfile the same text is a Dockerfile error naming the line.
    const fromFlag = planOf(`FROM --platform=${probe} scratch\n`);
    expect(fromFlag.status, fromFlag.stderr).toBe(ExitStatus.Dockerfile);
    expect(errorLine(fromFlag)).toMatch(/:1: .*platform/);
  });
});

describe('reference probes give one answer on every entry point', () => {
  const valid: [string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/user/app', 'docker.io/user/app:latest'],
    ['localhost:5000/a/b:t', 'localhost:5000/a/b:t'],
    [`localhost:5000/a@sha256:${HEX}`, `localhost:5000/a@sha256:${HEX}`],
    [`Host.Example:5000/a:v1@sha256:${HEX}`, `Host.Example:5000/a:v1@sha256:${HEX}`],
  ];
  it.each(valid)('%s is %s in FROM, and accepted by run', (probe, normalised) => {
    const plan = planOf(`FROM ${probe}\n`);
    expect(plan.status, plan.stderr).toBe(0);
    expect(JSON.stringify(plan.plan?.steps)).toContain(`"image":"${normalised}"`);
    const run = tsbuild(['run', '--pull', 'never', probe]);
    expect(run.status, run.stderr).toBe(RUN_NOT_STARTED);
    expect(errorLine(run)).toMatch(/not in the local store/);
  });

  const invalid = [
    'Foo/Bar:tag',
    'UPPER',
    `localhost:5000/a@sha256:${'a'.repeat(12)}`,
    `localhost:5000/a@sha256:${'A'.repeat(64)}`,
    HEX,
    'a/b:ta:g',
    `localhost:5000/${'a'.repeat(260)}`,
  ];
  it.each(invalid)('%s is rejected by FROM (plan and build), pull and run', (probe) => {
    for (const outcome of [planOf(`FROM ${probe}\n`), buildOf(`FROM ${probe}\n`)]) {
      expect(outcome.status, outcome.stderr).toBe(ExitStatus.Dockerfile);
      expect(errorLine(outcome)).toMatch(/:1: .*invalid reference format/);
    }
    const pull = tsbuild(['pull', probe]);
    const run = tsbuild(['run', '--pull', 'never', probe]);
    expect([pull.status, run.status], pull.stderr + run.stderr).toEqual([ExitStatus.Usage, RUN_NOT_STARTED]);
    expect(errorLine(pull)).toMatch(/invalid reference/);
    expect(errorLine(run)).toBe(errorLine(pull));
  });
});

describe('duration probes give one answer on every entry point', () => {
  const valid = ['.5s', '1h2m', '1.5h', '1.s', '300ms', '1m30s', '2h45m0.5s'];
  it.each(valid)('HEALTHCHECK --interval=%s plans and builds, and prune accepts it as until=', (probe) => {
    const dockerfile = `FROM scratch\nHEALTHCHECK --interval=${probe} CMD ["true"]\n`;
    const plan = planOf(dockerfile);
    expect(plan.status, plan.stderr).toBe(0);
    const build = buildOf(dockerfile);
    expect(build.status, build.stderr).toBe(0);
    const prune = tsbuild(['prune', '--filter', `until=${probe}`]);
    expect(prune.status, prune.stderr).toBe(0);
  });

  const invalid = ['.s', '5', '5x', '1h-2m', '1d'];
  it.each(invalid)('"%s" is rejected by HEALTHCHECK (parse, plan, build) and by prune until=', (probe) => {
    const dockerfile = `FROM scratch\nHEALTHCHECK --interval=${probe} CMD ["true"]\n`;
    for (const outcome of [planOf(dockerfile), buildOf(dockerfile)]) {
      expect(outcome.status, outcome.stderr).toBe(ExitStatus.Dockerfile);
      expect(errorLine(outcome)).toMatch(/:2: .*duration/);
    }
    const prune = tsbuild(['prune', '--filter', `until=${probe}`]);
    expect(prune.status, prune.stderr).toBe(ExitStatus.Usage);
    expect(errorLine(prune)).toMatch(/duration/);
  });
});

/** What the API rejects with, as the CLI would print and exit for it. */
async function apiOutcome(call: () => Promise<unknown>): Promise<{ line: string; status: number }> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof TsbuildError)) throw error;
    return { line: `error: ${error.message}`, status: exitStatusFor(error.code) };
  }
  return { line: '(no error)', status: 0 };
}

describe('the Node API gives the CLI\'s answer for the same probes', () => {
  it.each(['linux/foo', 'foo/amd64', 'linux/amd64/v1/x'])('platform %s: plan and pull reject it as the CLI does', async (probe) => {
    const cliPlan = planOf('FROM scratch\n', ['--platform', probe]);
    const cliPull = tsbuild(['pull', '--platform', probe, '127.0.0.1:1/probe:1']);
    const plan = await apiOutcome(() => apiPlan({ context: work, dockerfileContents: 'FROM scratch\n', platforms: [probe] }));
    const pull = await apiOutcome(() => apiPull('127.0.0.1:1/probe:1', { root, platform: probe }));
    expect(plan).toEqual({ line: errorLine(cliPlan), status: cliPlan.status });
    expect(pull).toEqual({ line: errorLine(cliPull), status: cliPull.status });
  });

  it('platform linux/armel: the API plans it as arm/v6, like the CLI', async () => {
    const result = await apiPlan({ context: work, dockerfileContents: 'FROM scratch\n', platforms: ['linux/armel'] });
    expect(result.plan.platforms).toEqual(planOf('FROM scratch\n', ['--platform', 'linux/armel']).plan?.platforms);
  });

  it.each(['Foo/Bar:tag', `localhost:5000/a@sha256:${'a'.repeat(12)}`])('reference %s: pull rejects it as the CLI does', async (probe) => {
    const cliPull = tsbuild(['pull', probe]);
    expect(await apiOutcome(() => apiPull(probe, { root }))).toEqual({ line: errorLine(cliPull), status: cliPull.status });
  });

  it.each(['.5s', '5x'])('HEALTHCHECK --interval=%s: the API plan gives the CLI plan\'s verdict', async (probe) => {
    const dockerfile = `FROM scratch\nHEALTHCHECK --interval=${probe} CMD ["true"]\n`;
    const cli = planOf(dockerfile);
    const api = await apiOutcome(() => apiPlan({ context: work, dockerfileContents: dockerfile, dockerfile: join(work, 'Dockerfile') }));
    expect(api.status).toBe(cli.status);
    if (cli.status !== 0) expect(api.line.replace(/^error: [^:]*:/, '')).toBe(errorLine(cli).replace(/^error: [^:]*:/, ''));
  });
});

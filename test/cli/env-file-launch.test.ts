// `tsbuild run --env-file F` must reach tsbuild, never Node: Node 20 scans its whole command line
// for --env-file and would load F into tsbuild itself, so a NODE_OPTIONS=--require in F ran code
// as root. Each way of starting the CLI (the bin, npx, the GitHub Action) is tried with such a
// file; the required script writes a marker that must never appear.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collect, IMAGES, makeRunFixture, type RunFixture } from '../container/fixture.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repo, 'node_modules/.bin/tsbuild');
let fx: RunFixture;
let marker: string;
let envFile: string;

beforeAll(async () => {
  fx = await makeRunFixture();
  marker = join(fx.work, 'node-ran-the-env-file');
  const evil = join(fx.work, 'evil.cjs');
  writeFileSync(evil, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')\n`);
  envFile = join(fx.work, 'hostile.env');
  writeFileSync(envFile, `NODE_OPTIONS=--require ${evil}\nFROM_FILE=reached the container\n`);
});
afterAll(async () => {
  if (fx) await rm(fx.work, { recursive: true, force: true });
});
beforeEach(async () => {
  await rm(marker, { force: true });
});

const runArgs = () => ['run', '--rm', '--env-file', envFile, IMAGES.busybox, 'sh', '-c', 'echo "$FROM_FILE"'];
const env = () => ({ ...process.env, TSBUILD_ROOT: fx.root });

describe('tsbuild run --env-file is never read by Node', () => {
  it.each([
    ['node_modules/.bin/tsbuild', () => spawn(bin, runArgs(), { env: env() })],
    // npx is itself a Node program and reads --env-file before its own `--` (nothing tsbuild can
    // change): `npx -- tsbuild …` is the safe form, and then the launcher must keep it safe.
    ['npx -- tsbuild', () => spawn('npx', ['--offline', '--no-install', '--', 'tsbuild', ...runArgs()], { cwd: repo, env: env() })],
    ['npx -- tsbuild, --env-file=F form', () => spawn('npx', ['--offline', '--no-install', '--', 'tsbuild', 'run', '--rm', `--env-file=${envFile}`, IMAGES.busybox, 'sh', '-c', 'echo "$FROM_FILE"'], { cwd: repo, env: env() })],
    ['dist/cli.js started as a program', () => spawn(join(repo, 'dist/cli.js'), runArgs(), { env: env() })],
  ])('%s passes the file to the container and runs nothing from it', async (_name, start) => {
    const result = await collect(start());
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('reached the container\n');
    expect(existsSync(marker)).toBe(false);
  });

  it('the GitHub Action starts the CLI so that an input shaped like --env-file stays an argument', () => {
    const runnerTemp = join(fx.work, 'runner-temp');
    mkdirSync(runnerTemp, { recursive: true });
    const result = spawnSync(process.execPath, [join(repo, 'dist/action/main.js')], {
      cwd: repo,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: fx.work,
        TSBUILD_ROOT: fx.root,
        RUNNER_TEMP: runnerTemp,
        GITHUB_OUTPUT: join(fx.work, 'output'),
        GITHUB_STEP_SUMMARY: join(fx.work, 'summary'),
        INPUT_CONTEXT: `--env-file=${envFile}`,
      },
    });
    expect(result.stdout).toMatch(/\[command\]\S+ -- \S+cli\.js build /);
    expect(existsSync(marker)).toBe(false);
  });
});

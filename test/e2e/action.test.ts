// The GitHub Action's entry point with the real CLI and build engine, run the way the Actions
// runner runs it: INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { makeBusyboxRootfs } from '../helpers/busybox.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const entry = join(repo, 'dist/action/main.js');
let dir: string;

beforeAll(async () => {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  dir = mkdtempSync(join(tmpdir(), 'tsbuild-action-e2e-'));
  const rootfs = join(dir, 'rootfs');
  await makeBusyboxRootfs(rootfs);
  execFileSync(process.execPath, [join(repo, 'dist/cli.js'), 'import', rootfs, 'base:1'], { env: { ...process.env, TSBUILD_ROOT: join(dir, 'root') } });
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'app', 'Dockerfile'), 'FROM base:1\nARG GREETING\nRUN echo "$GREETING" > /greeting\nLABEL stage=test\n');
});

it('builds with the real CLI and publishes digest, imageid and metadata outputs', () => {
  const output = join(dir, 'output');
  const summary = join(dir, 'summary');
  mkdirSync(join(dir, 'runner-temp'), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    TSBUILD_ROOT: join(dir, 'root'),
    RUNNER_TEMP: join(dir, 'runner-temp'),
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    INPUT_CONTEXT: join(dir, 'app'),
    INPUT_TAGS: 'demo/action:1',
    'INPUT_BUILD-ARGS': 'GREETING=hi from the action',
    INPUT_LABELS: 'org.example.ci=yes',
  };
  const result = spawnSync(process.execPath, [entry], { cwd: repo, env, encoding: 'utf8' });
  expect(result.status, result.stderr + result.stdout).toBe(0);
  const outputs = readFileSync(output, 'utf8');
  const digest = /^digest<<(\S+)\n(sha256:[0-9a-f]{64})\n\1$/m.exec(outputs)?.[2];
  const imageId = /^imageid<<(\S+)\n(sha256:[0-9a-f]{64})\n\1$/m.exec(outputs)?.[2];
  expect(digest).toBeDefined();
  expect(imageId).toBeDefined();
  expect(outputs).toContain('"image.name": "docker.io/demo/action:1"');
  const inspected = JSON.parse(
    execFileSync(process.execPath, [join(repo, 'dist/cli.js'), 'inspect', '--raw', 'demo/action:1'], { env, encoding: 'utf8' }),
  ) as { digest: string; config: { config: { Labels: Record<string, string> } } };
  expect(inspected.digest).toBe(digest);
  expect(inspected.config.config.Labels).toEqual({ stage: 'test', 'org.example.ci': 'yes' });
  expect(readFileSync(summary, 'utf8')).toContain(digest!);
});

// The built `tsbuild plan` and `tsbuild check` commands: output formats, flags, exit statuses.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Runs the built CLI (`npm run build` first, as `npm ci` does through `prepare`).
const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'dist/cli.js');
let dir: string;

function tsbuild(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: repo });
}

function context(name: string, dockerfileText: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'Dockerfile'), dockerfileText);
  return path;
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` before the CLI tests`);
  dir = mkdtempSync(join(tmpdir(), 'tsbuild-plan-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tsbuild plan', () => {
  it('plans the README example offline', () => {
    const result = tsbuild('plan', '-f', 'examples/multi-stage/Dockerfile', 'examples/multi-stage');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^stage 0 \(builder\)\n/);
    expect(result.stdout).toContain('source docker.io/library/busybox:1.36 [');
    expect(result.stdout).toMatch(/copy [0-9a-f]{12}:\/src\/built\.txt -> \/app\//);
  });

  it('defaults -f to CONTEXT/Dockerfile and renders JSON, DOT and Mermaid', () => {
    const json = tsbuild('plan', '--format', 'json', '--platform', 'linux/amd64,linux/arm64', 'examples/multi-stage');
    expect(json.status).toBe(0);
    const plan = JSON.parse(json.stdout) as { platforms: string[]; targets: Record<string, string> };
    expect(plan.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(Object.keys(plan.targets)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(tsbuild('plan', '--format', 'dot', 'examples/multi-stage').stdout).toMatch(/^digraph plan \{/);
    expect(tsbuild('plan', '--format', 'mermaid', 'examples/multi-stage').stdout).toMatch(/^flowchart TD/);
  });

  it('reads the Dockerfile from standard input with -f -', () => {
    const result = spawnSync(process.execPath, [cli, 'plan', '-f', '-', 'examples/multi-stage'], {
      encoding: 'utf8', cwd: repo, input: 'FROM scratch\nCOPY a /a\n',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('copy a -> /a  (<stdin>:2)');
  });

  it('honours --target and --build-arg, warning about unused build args', () => {
    const ctx = context('target', 'FROM alpine AS a\nARG V=1\nRUN echo a\nFROM alpine AS b\nRUN echo b\n');
    const result = tsbuild('plan', '--target', 'a', '--build-arg', 'V=2', '--build-arg', 'EXTRA=1', '--format', 'json', ctx);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('"V=2"');
    expect(result.stdout).not.toContain('echo b');
    expect(result.stderr).toBe('warning: One or more build-args [EXTRA] were not consumed\n');
  });

  it.each([
    { name: 'unknown target', args: ['--target', 'nope'], text: 'FROM scratch\n', status: 3, stderr: /target stage "nope" could not be found/ },
    { name: 'syntax error', args: [], text: 'FROM scratch\nFROOM x\n', status: 3, stderr: /Dockerfile:2: / },
    { name: 'cycle', args: [], text: 'FROM busybox AS s0\nCOPY --from=s0 /a /b\n', status: 3, stderr: /Dockerfile:2: circular dependency detected on stage: s0/ },
    { name: '--resolve of an unreachable base', args: ['--resolve'], text: 'FROM 127.0.0.1:9/nothing/here\n', status: 1, stderr: /failed to resolve base image 127\.0\.0\.1:9\/nothing\/here:latest/ },
    { name: 'bad --format', args: ['--format', 'yaml'], text: 'FROM scratch\n', status: 2, stderr: /argument 'yaml' is invalid/ },
  ])('fails clearly on $name', ({ name, args, text, status, stderr }) => {
    const ctx = context(name.replace(/\W/g, ''), text);
    const result = tsbuild('plan', ...args, ctx);
    expect(result.stderr).toMatch(stderr);
    expect(result.status).toBe(status);
  });

  it('--resolve plans with the base image config (env, workdir) from the store', () => {
    const root = join(dir, 'resolve-root');
    const rootfs = join(dir, 'resolve-rootfs');
    mkdirSync(join(rootfs, 'etc'), { recursive: true });
    writeFileSync(join(rootfs, 'etc', 'hostname'), 'x\n');
    const env = { ...process.env, TSBUILD_ROOT: root };
    const imported = spawnSync(process.execPath, [cli, 'import', '-c', 'ENV BASE_HOME=/opt/base', rootfs, 'local/base:1'], { encoding: 'utf8', env });
    expect(imported.status, imported.stderr).toBe(0);
    const ctx = context('resolve', 'FROM local/base:1\nRUN echo $BASE_HOME\n');
    const result = spawnSync(process.execPath, [cli, 'plan', '--resolve', '--format', 'json', ctx], { encoding: 'utf8', env });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('"BASE_HOME=/opt/base"');
    const offline = spawnSync(process.execPath, [cli, 'plan', '--format', 'json', ctx], { encoding: 'utf8', env });
    expect(offline.stdout).not.toContain('BASE_HOME=/opt/base');
  });

  it('fails when the context or the Dockerfile is missing', () => {
    const missing = tsbuild('plan', join(dir, 'nowhere'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/unable to prepare context: path ".*nowhere" not found/);
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    expect(tsbuild('plan', empty).stderr).toMatch(/failed to read dockerfile: open .*empty\/Dockerfile/);
  });
});

describe('tsbuild check', () => {
  it('prints file:line: Rule: message and exits 0', () => {
    const ctx = context('check', 'FROM busybox as build\nCMD echo hi\n');
    const result = tsbuild('check', ctx);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      `${ctx}/Dockerfile:1: FromAsCasing: 'as' and 'FROM' keywords' casing do not match`,
      `${ctx}/Dockerfile:2: JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals`,
    ]);
  });

  it('exits 3 with check=error=true, and 0 when the findings are skipped', () => {
    const failing = context('check-error', '# check=error=true\nFROM busybox as build\n');
    const result = tsbuild('check', failing);
    expect(result.stdout).toMatch(/FromAsCasing/);
    expect(result.stderr).toMatch(/1 build check failed/);
    expect(result.status).toBe(3);
    const skipped = context('check-skip', '# check=error=true;skip=FromAsCasing\nFROM busybox as build\n');
    expect(tsbuild('check', skipped)).toMatchObject({ status: 0, stdout: '' });
  });
});

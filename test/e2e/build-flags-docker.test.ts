// The `docker build` flags docker users pass: each works or fails with a clear error (never
// "unknown option"), and `build` shows the build checks' warnings as BuildKit does.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { makeParentCgroup } from '../helpers/cgroup-parent.js';
import { DEFAULT_RUN_PIDS_LIMIT } from '../../src/executor/run-limits.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'dist/cli.js');
let work: string;
let env: NodeJS.ProcessEnv;
let contexts = 0;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  work = mkdtempSync(join(tmpdir(), 'tsbuild-build-flags-'));
  await makeBusyboxRootfs(join(work, 'rootfs'));
  env = { ...process.env, TSBUILD_ROOT: join(work, 'root'), CI: '' };
  execFileSync(process.execPath, [cli, 'import', join(work, 'rootfs'), 'base:1'], { env, stdio: 'ignore' });
});

function context(dockerfile: string): string {
  const dir = join(work, `ctx-${++contexts}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

function build(args: string[]) {
  return spawnSync(process.execPath, [cli, 'build', '--progress', 'plain', ...args], { env, encoding: 'utf8', maxBuffer: 1 << 28 });
}

describe('docker build flags', () => {
  it('--add-host adds lines to /etc/hosts of RUN steps', () => {
    const dir = context('FROM base:1\nRUN cat /etc/hosts > /hosts\nCMD ["cat", "/hosts"]\n');
    // Built first without: the extra hosts are part of the RUN step's cache key, as in BuildKit.
    expect(build(['-q', '-t', 'demo/hosts:1', dir]).status).toBe(0);
    const built = build(['-q', '--add-host', 'db.internal:10.1.2.3', '--add-host=cache=10.1.2.4', '-t', 'demo/hosts:1', dir]);
    expect(built.status, built.stderr).toBe(0);
    const ran = spawnSync(process.execPath, [cli, 'run', '--rm', 'demo/hosts:1'], { env, encoding: 'utf8' });
    expect(ran.stdout).toMatch(/^10\.1\.2\.3\s+db\.internal$/m);
    expect(ran.stdout).toMatch(/^10\.1\.2\.4\s+cache$/m);
  });

  it('accepts --rm, --force-rm and --platform local as buildx does', () => {
    const built = build(['-q', '--rm', '--force-rm', '--platform', 'local', context('FROM base:1\nCMD ["true"]\n')]);
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  });

  it('--progress rawjson writes JSON events', () => {
    const built = spawnSync(process.execPath, [cli, 'build', '--progress', 'rawjson', context('FROM base:1\nCMD ["true"]\n')], { env, encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { type: string }).type).at(-1)).toBe('result');
  });

  it('--ulimit and --shm-size apply to every RUN step and are part of its cache key', () => {
    const dir = context('FROM base:1 AS limits\nRUN ulimit -Sn > /limits; ulimit -Hn >> /limits; ulimit -c >> /limits; grep " /dev/shm " /proc/mounts > /shm\nFROM base:1\nRUN true\n');
    const out = join(work, 'out-ulimit');
    const flags = ['--ulimit', 'nofile=1062:2048', '--ulimit', 'core=-1', '--shm-size', '128m', '--target', 'limits', '-o', `type=local,dest=${out}`];
    const built = build([...flags, dir]);
    expect(built.status, built.stderr).toBe(0);
    expect(readFileSync(join(out, 'limits'), 'utf8')).toBe('1062\n2048\nunlimited\n');
    expect(readFileSync(join(out, 'shm'), 'utf8')).toMatch(/size=131072k/);
    // Other values are another step (BuildKit's ExecOp holds them); the same values hit the cache.
    const again = build([...flags, dir]);
    expect(again.stderr).toMatch(/RUN ulimit[^\n]*\n#\d+ CACHED/);
    const other = build(['--ulimit', 'nofile=1063', '--shm-size', '1g', '--target', 'limits', '-o', `type=local,dest=${out}`, dir]);
    expect(other.status, other.stderr).toBe(0);
    expect(other.stderr).not.toMatch(/RUN ulimit[^\n]*\n#\d+ CACHED/);
    expect(readFileSync(join(out, 'limits'), 'utf8')).toBe('1063\n1063\n0\n');
    expect(readFileSync(join(out, 'shm'), 'utf8')).toMatch(/size=1048576k/);
  });

  it('--cgroup-parent makes the RUN steps\' cgroups under that parent', () => {
    const parent = makeParentCgroup(`tsbuild-e2e-parent-${process.pid}`, 10);
    try {
      // The step's cgroup namespace hides the path (test/runtime-shim/resources.test.ts sees it from
      // the host); its own pids.max is the default 4096, so the forks stop at the parent's limit.
      const dir = context('FROM base:1\nRUN (cat /sys/fs/cgroup/pids.max || cat /sys/fs/cgroup/pids/pids.max) 2>/dev/null > /pids-max; (for i in $(seq 1 12); do sleep 5 & done) 2>/forks; true\n');
      const out = join(work, 'out-cgroup');
      const built = build(['--cgroup-parent', parent.name, '-o', `type=local,dest=${out}`, dir]);
      expect(built.status, built.stderr).toBe(0);
      expect(readFileSync(join(out, 'pids-max'), 'utf8')).toBe(`${DEFAULT_RUN_PIDS_LIMIT}\n`);
      expect(readFileSync(join(out, 'forks'), 'utf8')).toMatch(/Resource temporarily unavailable/);
    } finally {
      parent.remove();
    }
  });

  it.each([
    [['--ulimit', 'nofile=2048:1024'], /ulimit soft limit must be less than or equal to hard limit: 2048 > 1024/],
    [['--ulimit', 'files=10'], /invalid ulimit type: files/],
    [['--ulimit', 'nofile'], /invalid ulimit argument: nofile/],
    [['--shm-size', 'lots'], /invalid --shm-size "lots"/],
    [['--cgroup-parent', '../../etc'], /invalid cgroup parent "..\/..\/etc": it may not contain "\.\."/],
    [['--cgroup-parent', 'system.slice:docker:x'], /slice:prefix:name form is not supported/],
    [['--allow', 'security.insecure'], /security\.insecure/],
    [['--call', 'lint'], /--call "lint"/],
  ])('%j fails with a clear error, not an unknown option', (flags, message) => {
    const built = build([...flags, context('FROM base:1\n')]);
    expect(built.status).toBe(2);
    expect(built.stderr).not.toMatch(/unknown option/);
    expect(built.stderr).toMatch(/^error: /m);
    expect(built.stderr).toMatch(message);
  });
});

describe('build checks during build', () => {
  const linted = 'FROM base:1 as first\nENV A 1\nFROM first\nCMD echo hi\n';

  it('build prints the warnings `tsbuild check` finds, and builds', () => {
    const dir = context(linted);
    const checked = spawnSync(process.execPath, [cli, 'check', dir], { env, encoding: 'utf8' });
    const rules = [...checked.stdout.matchAll(/: (\w+): /g)].map((m) => m[1]);
    expect(rules).toEqual(['FromAsCasing', 'LegacyKeyValueFormat', 'JSONArgsRecommended']);
    const built = build(['-q', dir]);
    expect(built.status, built.stderr).toBe(0);
    expect(built.stderr).toMatch(/^ 3 warnings found:$/m);
    for (const rule of rules) expect(built.stderr).toMatch(new RegExp(`^ - ${rule}: .* \\(line \\d\\)$`, 'm'));
  });

  it('--check and --call=check stop after the checks, in BuildKit\'s shape', () => {
    const dir = context(linted);
    for (const flags of [['--check'], ['--call=check'], ['--call', 'check']]) {
      const checked = build([...flags, '-t', 'demo/not-built:1', dir]);
      expect(checked.status, checked.stderr).toBe(0);
      expect(checked.stdout).toMatch(/^Check complete, 3 warnings have been found!$/m);
      expect(checked.stdout).toMatch(/^WARNING: FromAsCasing - https:\/\/docs\.docker\.com\/go\/dockerfile\/rule\/from-as-casing\/$/m);
      expect(checked.stdout).toMatch(/^Dockerfile:1$/m);
      expect(checked.stdout).toMatch(/^ {3}1 \| >>> FROM base:1 as first$/m);
      expect(checked.stderr).not.toMatch(/^#\d/m); // nothing ran
    }
    const images = spawnSync(process.execPath, [cli, 'images', '-q', 'demo/not-built'], { env, encoding: 'utf8' });
    expect(images.stdout).toBe('');
    const clean = build(['--check', context('FROM base:1\nCMD ["true"]\n')]);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toBe('Check complete, no warnings found.\n');
  });

  it('--call=targets and --call=outline describe the Dockerfile without building', () => {
    const dir = context('# version of the app\nARG VERSION=1.0\n# the base stage\nFROM base:1 AS base\nFROM base AS release\nRUN --mount=type=secret,id=token true\n');
    const targets = build(['--call=targets', dir]);
    expect(targets.status, targets.stderr).toBe(0);
    expect(targets.stdout).toMatch(/^TARGET\s+DESCRIPTION$/m);
    expect(targets.stdout).toMatch(/^base\s+the base stage$/m);
    expect(targets.stdout).toMatch(/^release \(default\)/m);
    const outline = build(['--call=outline', '--build-arg', 'VERSION=2.0', dir]);
    expect(outline.status, outline.stderr).toBe(0);
    expect(outline.stdout).toMatch(/^TARGET:\s+release$/m);
    expect(outline.stdout).toMatch(/^VERSION\s+2\.0\s+version of the app$/m);
    expect(outline.stdout).toMatch(/^SECRET\s+REQUIRED$/m);
    expect(outline.stdout).toMatch(/^token\s+false$/m);
  });
});

// The tsbuild container image (the repository's Dockerfile): built by tsbuild from a Debian + Node
// base (the fresh-machine job's prepared root, imported: no Docker Hub here), run by `tsbuild run`,
// and run by a real dockerd where it builds an image as its non-root user without --privileged.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { DOCKER_CLI, startDockerd, type TestDockerd } from '../helpers/dockerd.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'dist/cli.js');
const IMAGE = 'localhost/tsbuild-test/tsbuild:ci';
const BASE = 'localhost/tsbuild-test/node-base:1';

/** What `docker run` needs for rootless tsbuild inside (docs/container.md): no --privileged. */
const CONTAINER_SECURITY_OPTS = [
  '--security-opt', 'seccomp=unconfined',
  '--security-opt', 'apparmor=unconfined',
  '--security-opt', 'systempaths=unconfined',
];

let work: string;
let env: NodeJS.ProcessEnv;
let dockerd: TestDockerd | undefined;

function tsbuild(args: string[], timeout = 600_000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--', cli, ...args], { env, encoding: 'utf8', timeout });
}

function describeResult(r: SpawnSyncReturns<string>): string {
  return `status ${String(r.status)} ${r.error?.message ?? ''}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'container-image-test-'));
  chmodSync(work, 0o755);
  env = { ...process.env, TSBUILD_ROOT: join(work, 'store'), TMPDIR: work, CI: 'true' };
  // Warm in CI (.ci/run made it first); cold elsewhere: debootstrap from the apt mirror.
  const prepared = execFileSync('bash', [join(repo, 'test/fresh-machine/run.sh'), '--prepare-only'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const imported = tsbuild(['import', prepared, BASE]);
  expect(imported.status, describeResult(imported)).toBe(0);
}, 1_200_000);

afterAll(async () => {
  await dockerd?.stop();
  rmSync(work, { recursive: true, force: true });
}, 120_000);

describe('the tsbuild container image', () => {
  let archive: string;

  it('builds from the repository with tsbuild and runs with tsbuild run', () => {
    archive = join(work, 'tsbuild-image.tar');
    const built = tsbuild(['build', '--progress', 'plain', '--build-arg', `NODE_IMAGE=${BASE}`, '-t', IMAGE, repo]);
    expect(built.status, describeResult(built)).toBe(0);
    const version = tsbuild(['run', '--rm', IMAGE, '--version']);
    expect(version.status, describeResult(version)).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const user = tsbuild(['run', '--rm', '--entrypoint', 'id', IMAGE]);
    expect(user.stdout).toMatch(/^uid=1100\(tsbuild\) gid=1100\(tsbuild\)/);
    const saved = tsbuild(['save', '--format', 'docker', '-o', archive, IMAGE]);
    expect(saved.status, describeResult(saved)).toBe(0);
  }, 1_200_000);

  it('builds an image with a RUN step as its non-root user in a docker container without --privileged', async () => {
    // Outside /tmp: other tests' cleanups of mounts and dirs under /tmp must not reach dockerd's.
    const engine = (dockerd = await startDockerd({ parent: '/var/tmp' }));
    const dockerdLog = () => (existsSync(engine.logFile) ? readFileSync(engine.logFile, 'utf8').slice(-4000) : '');
    const docker = (args: string[]) => {
      const result = spawnSync(DOCKER_CLI, ['-H', engine.host, ...args], { encoding: 'utf8', timeout: 600_000 });
      return result.status === 0 ? result : { ...result, stderr: `${result.stderr}\n--- dockerd.log (tail):\n${dockerdLog()}` };
    };
    const loaded = docker(['load', '-i', archive]);
    expect(loaded.status, describeResult(loaded)).toBe(0);

    // The inputs: a busybox base as an OCI archive and a context, both readable by uid 1100.
    const inputs = join(work, 'inputs');
    mkdirSync(join(inputs, 'ctx'), { recursive: true });
    const rootfs = join(work, 'busybox-rootfs');
    await makeBusyboxRootfs(rootfs);
    const baseStore = { ...env, TSBUILD_ROOT: join(work, 'base-store') };
    execFileSync(process.execPath, ['--', cli, 'import', rootfs, 'base:1'], { env: baseStore, stdio: 'ignore' });
    execFileSync(process.execPath, ['--', cli, 'save', '-o', join(inputs, 'base.tar'), 'base:1'], { env: baseStore, stdio: 'ignore' });
    writeFileSync(join(inputs, 'ctx/Dockerfile'), 'FROM base:1\nCOPY --chown=7:7 hello /hello\nRUN id -u > /ran-as && stat -c %u /hello >> /ran-as\n');
    writeFileSync(join(inputs, 'ctx/hello'), 'hi\n');
    execFileSync('chmod', ['-R', 'a+rX', inputs]);

    const script = 'set -e; id -u; tsbuild load -i /in/base.tar >/dev/null; tsbuild build --progress plain -t demo /in/ctx; tsbuild run --rm --network none demo cat /ran-as';
    const ran = docker(['run', '--rm', '--network', 'none', ...CONTAINER_SECURITY_OPTS,
      '-v', `${inputs}:/in:ro`, '--entrypoint', 'sh', IMAGE, '-c', script]);
    expect(ran.status, describeResult(ran)).toBe(0);
    expect(ran.stdout).toBe('1100\n0\n7\n');

    // Without systempaths=unconfined the RUN step's /proc is refused, and the error says what to change.
    const masked = docker(['run', '--rm', '--network', 'none', ...CONTAINER_SECURITY_OPTS.slice(0, 4),
      '-v', `${inputs}:/in:ro`, '--entrypoint', 'sh', IMAGE, '-c', script]);
    expect(masked.status).not.toBe(0);
    expect(masked.stderr).toMatch(/Dockerfile:3: .*mount proc on \/proc .*systempaths=unconfined/);
  }, 1_200_000);
});

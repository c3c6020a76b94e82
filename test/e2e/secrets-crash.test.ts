// Secrets must never reach a disk, even when tsbuild dies mid-RUN: a SIGKILLed build leaves no
// secret in the store or /tmp, and the next command removes the dead build's tmpfs leftovers.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBusyboxRootfs } from '../helpers/busybox.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'dist/cli.js');
let work: string;
let outsideTmp: string;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  work = mkdtempSync(join(tmpdir(), 'tsbuild-secrets-crash-'));
  // The secret's source file must live outside the directories searched for leaks.
  outsideTmp = mkdtempSync('/var/tmp/tsbuild-secret-src-');
  await makeBusyboxRootfs(join(work, 'rootfs'));
});
afterAll(() => {
  // A SIGKILLed tsbuild leaves runc's overlay rootfs mounted (crash leftovers are another item's):
  // take them down so that other tests' leftover checks do not see them.
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const point = line.split(' ')[4];
    if (point && line.includes(work)) spawnSync('umount', ['-l', point]);
  }
  rmSync(work, { recursive: true, force: true });
  rmSync(outsideTmp, { recursive: true, force: true });
});

/** Files under `dirs` holding `value` (devices, fifos and sockets skipped). */
function filesContaining(value: string, dirs: string[]): string[] {
  const result = spawnSync('grep', ['-rlaF', '-s', '-D', 'skip', '--', value, ...dirs], { encoding: 'utf8' });
  return result.stdout.split('\n').filter((line) => line !== '');
}

/** /dev/shm entries of tsbuild made by process `pid`. */
function shmDirsOf(pid: number): string[] {
  return readdirSync('/dev/shm').filter((name) => name.startsWith(`tsbuild-${pid}-`));
}

describe('secrets after a crash', () => {
  it.each(['builtin', 'runc'])('%s: a SIGKILL mid-RUN leaves no file or env secret on disk, and the next command sweeps the tmpfs', async (runtime) => {
    const fileSecret = `FILE-SECRET-${randomBytes(12).toString('hex')}`;
    const envSecret = `ENV-SECRET-${randomBytes(12).toString('hex')}`;
    const root = join(work, `${runtime}-root`);
    // The build's own temp dir: searched whole, where all of /tmp (other tests' gigabytes) was slow.
    const buildTmp = join(work, `${runtime}-tmp`);
    mkdirSync(buildTmp);
    const env = { ...process.env, TSBUILD_ROOT: root, TMPDIR: buildTmp, CI: '', TSBUILD_TEST_ENV_SECRET: envSecret };
    execFileSync(process.execPath, [cli, 'import', join(work, 'rootfs'), 'base:1'], { env, stdio: 'ignore' });
    const context = join(work, `${runtime}-ctx`);
    mkdirSync(context);
    writeFileSync(
      join(context, 'Dockerfile'),
      'FROM base:1\nRUN --mount=type=secret,id=filetok --mount=type=secret,id=envtok,env=TOKEN \\\n' +
        '    test -s /run/secrets/filetok && test -n "$TOKEN" && echo started && sleep 60\n',
    );
    const secretFile = join(outsideTmp, 'token');
    writeFileSync(secretFile, fileSecret);
    const args = [cli, 'build', '--runtime', runtime, '--progress', 'plain', '--secret', `id=filetok,src=${secretFile}`,
      '--secret', 'id=envtok,env=TSBUILD_TEST_ENV_SECRET', context];
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let output = '';
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/#\d+ \d+\.\d started/.test(output)) resolve();
      });
      child.on('exit', () => reject(new Error(`build ended before its RUN started:\n${output}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));

    expect(filesContaining(fileSecret, [root, buildTmp])).toEqual([]);
    expect(filesContaining(envSecret, [root, buildTmp])).toEqual([]);

    const next = spawnSync(process.execPath, [cli, 'images'], { encoding: 'utf8', env });
    expect(next.status, next.stderr).toBe(0);
    expect(shmDirsOf(child.pid as number)).toEqual([]);
    expect(filesContaining(fileSecret, ['/dev/shm'])).toEqual([]);
    expect(filesContaining(envSecret, ['/dev/shm'])).toEqual([]);
  });
});

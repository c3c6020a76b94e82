// End to end through the built CLI: `tsbuild run` output, exit statuses, ENTRYPOINT/CMD, env, -w, -u.
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGES, makeRunFixture, type RunFixture } from '../container/fixture.js';

let fx: RunFixture;

beforeAll(async () => {
  fx = await makeRunFixture();
});
afterAll(async () => {
  if (fx) await rm(fx.work, { recursive: true, force: true });
});

async function run(args: string[], env?: NodeJS.ProcessEnv) {
  return fx.tsbuild(['run', '--rm', ...args], { env });
}

describe('tsbuild run: command and exit status', () => {
  it('runs echo in the imported busybox image and prints its output', async () => {
    const result = await run([IMAGES.busybox, 'echo', 'hi']);
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ status: 0, stdout: 'hi\n' });
  });

  it('passes flags after the image name to the command, and exits with its status', async () => {
    expect((await run([IMAGES.busybox, 'sh', '-c', 'exit 7'])).status).toBe(7);
    expect((await run([IMAGES.busybox, 'ls', '-d', '/bin'])).stdout).toBe('/bin\n');
  });

  it('exits 127 for a command that does not exist, 126 for one that is not executable, 125 for a setup error', async () => {
    const missing = await run([IMAGES.busybox, 'no-such-command']);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toMatch(/no-such-command/);
    expect((await run([IMAGES.busybox, '/etc/passwd'])).status).toBe(126);
    const unknown = await run(['--pull', 'never', 'not/here:1', 'true']);
    expect(unknown.status).toBe(125);
    expect(unknown.stderr).toMatch(/not\/here:1.*pull policy "never"/);
  });

  it.each([
    ['the image ENTRYPOINT + CMD', [IMAGES.entrypoint], 'ep cmd\n'],
    ['arguments replace CMD', [IMAGES.entrypoint, 'x', 'y'], 'ep x y\n'],
    ['--entrypoint resets CMD', ['--entrypoint', 'echo', IMAGES.entrypoint], '\n'],
    ['--entrypoint with arguments', ['--entrypoint', 'echo', IMAGES.entrypoint, 'a'], 'a\n'],
    ["--entrypoint '' runs the arguments alone", ['--entrypoint', '', IMAGES.entrypoint, 'echo', 'only'], 'only\n'],
  ])('%s', async (_name, args, output) => {
    const result = await run(args);
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ status: 0, stdout: output });
  });

  it("fails with 125 when --entrypoint '' leaves no command", async () => {
    const result = await run(['--entrypoint', '', IMAGES.entrypoint]);
    expect(result.status).toBe(125);
    expect(result.stderr).toMatch(/no command specified/);
  });
});

describe('tsbuild run: environment, working directory, user', () => {
  it('merges image Env, --env-file and -e (later wins; a bare name takes the host value or unsets)', async () => {
    const file = join(fx.work, 'run.env');
    writeFileSync(file, '# settings\nB=file\nC=file\nFROM_HOST\n');
    const result = await run(
      ['--env-file', file, '-e', 'C=flag', '-e', 'KEEP', '-e', 'D=a=b', IMAGES.env, 'env'],
      { FROM_HOST: 'host value', KEEP: undefined },
    );
    expect(result.status, result.stderr).toBe(0);
    const env = result.stdout.split('\n');
    expect(env).toEqual(expect.arrayContaining(['A=image', 'B=file', 'C=flag', 'D=a=b', 'FROM_HOST=host value', 'PATH=/usr/bin:/bin', 'HOME=/root']));
    expect(env.filter((line) => line.startsWith('KEEP='))).toEqual([]);
    expect(env.find((line) => line.startsWith('HOSTNAME='))).toMatch(/^HOSTNAME=[0-9a-f]{12}$/);
  });

  it('-w sets the working directory, creating it when missing', async () => {
    const result = await run(['-w', '/work/deep/dir', IMAGES.busybox, 'pwd']);
    expect(result).toMatchObject({ status: 0, stdout: '/work/deep/dir\n' });
  });

  it('-u resolves names through the image /etc/passwd and /etc/group', async () => {
    expect((await run(['-u', 'nobody', IMAGES.busybox, 'sh', '-c', 'id -u; id -G'])).stdout).toBe('65534\n65534 50\n');
    expect((await run(['-u', 'nobody:daemon', IMAGES.busybox, 'sh', '-c', 'id -u; id -g; echo $HOME'])).stdout).toBe('65534\n1\n/nonexistent\n');
    expect((await run(['-u', '4321', IMAGES.busybox, 'id', '-u'])).stdout).toBe('4321\n');
    expect((await run([IMAGES.user, 'sh', '-c', 'id -u; pwd'])).stdout).toBe('1\n/var/app\n');
    expect((await run(['-u', 'root', '-w', '/', IMAGES.user, 'sh', '-c', 'id -u; pwd'])).stdout).toBe('0\n/\n');
    expect((await run(['-u', 'nobody:root', IMAGES.busybox, 'id', '-G'])).stdout).toBe('0\n'); // a group given: no supplementary ones
    const unknown = await run(['-u', 'nosuchuser', IMAGES.busybox, 'true']);
    expect(unknown.status).toBe(125);
    expect(unknown.stderr).toMatch(/unable to find user nosuchuser/);
  });

  it('--hostname and the generated /etc files', async () => {
    const result = await run(['--hostname', 'web-1', IMAGES.busybox, 'sh', '-c', 'hostname; cat /etc/hostname; grep web-1 /etc/hosts']);
    expect(result).toMatchObject({ status: 0, stdout: 'web-1\nweb-1\n127.0.1.1\tweb-1\n' });
  });
});

describe('tsbuild run: stdio, runtimes, limits', () => {
  it('-i attaches stdin; without it the container reads nothing', async () => {
    const attached = await fx.tsbuild(['run', '--rm', '-i', IMAGES.busybox, 'cat'], { input: 'piped in\n' });
    expect(attached).toMatchObject({ status: 0, stdout: 'piped in\n' });
    const detached = await fx.tsbuild(['run', '--rm', IMAGES.busybox, 'cat'], { input: 'ignored\n' });
    expect(detached).toMatchObject({ status: 0, stdout: '' });
  });

  it('--runtime runc runs the same container through runc', async () => {
    const result = await run(['--runtime', 'runc', '-u', 'nobody', IMAGES.busybox, 'sh', '-c', 'id -u; exit 3']);
    expect(result).toMatchObject({ status: 3, stdout: '65534\n' });
  });

  it('--pids-limit caps the number of processes', async () => {
    const result = await run(['--pids-limit', '4', IMAGES.busybox, 'sh', '-c', 'for i in 1 2 3 4 5 6; do sleep 1 & done; wait']);
    expect(result.stderr).toMatch(/can't fork|Resource temporarily unavailable/);
  });

  it('--memory is enforced: going over it gets the command OOM-killed (137)', async () => {
    const script = 'x=$(head -c 40000000 /dev/zero | tr "\\0" a); echo survived ${#x}';
    const result = await run(['--memory', '8m', IMAGES.busybox, 'sh', '-c', script]);
    expect(result.stdout).not.toContain('survived');
    expect(result.status).toBe(137);
  });
});

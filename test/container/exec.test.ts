// `tsbuild exec` into a container started with `run -d`, end to end through the built CLI and both
// runtimes: the container's filesystem, hostname and processes only, `-e`, `-u`, `-w`, the
// command's exit status, and docker's errors for unknown, stopped and removed containers.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGES, makeRunFixture, type RunFixture, until } from '../container/fixture.js';

let fx: RunFixture;
beforeAll(async () => {
  fx = await makeRunFixture();
}, 120_000);
afterAll(async () => {
  await fx.tsbuild(['rm', '-f', ...(await fx.tsbuild(['ps', '-aq'])).stdout.split('\n').filter(Boolean)]);
  rmSync(fx.work, { recursive: true, force: true });
});


describe.each(['builtin', 'runc'] as const)('tsbuild exec (%s)', (runtime) => {
  const name = `exec-${runtime}`;

  beforeAll(async () => {
    const r = await fx.tsbuild(['run', '-d', '--runtime', runtime, '--name', name, '--hostname', 'box', '-e', 'FROM_RUN=1', IMAGES.busybox,
      'sh', '-c', 'echo made > /made-by-run; exec sleep 100000']);
    expect(r.status, r.stderr).toBe(0);
    // Ready once the file written by the container's command is there for exec to read.
    await until('the container to be up', async () => {
      const cat = await fx.tsbuild(['exec', name, 'cat', '/made-by-run']);
      return cat.status === 0 ? cat : undefined;
    });
  }, 180_000);

  it('runs in the container: its filesystem, hostname, env and only its processes', async () => {
    expect(await fx.tsbuild(['exec', name, 'cat', '/etc/hostname'])).toMatchObject({ status: 0, stdout: 'box\n' });
    expect(await fx.tsbuild(['exec', name, 'sh', '-c', 'echo $FROM_RUN'])).toMatchObject({ status: 0, stdout: '1\n' });
    const ps = await fx.tsbuild(['exec', name, 'ps', '-o', 'pid,comm']);
    expect(ps.status, ps.stderr).toBe(0);
    const commands = ps.stdout.trim().split('\n').slice(1).map((line) => line.trim().split(/\s+/)[1]);
    // The container's sleep and the ps itself, never a host process (tsbuild's node).
    expect(commands).toContain('sleep');
    expect(commands).toContain('ps');
    expect(commands).not.toContain('node');
    expect(commands.length).toBeLessThanOrEqual(4);
  });

  it('takes -e, -u and -w, and passes the exit status through', async () => {
    expect(await fx.tsbuild(['exec', '-e', 'GREETING=hi there', name, 'sh', '-c', 'echo "$GREETING"'])).toMatchObject({ status: 0, stdout: 'hi there\n' });
    expect(await fx.tsbuild(['exec', '-u', 'nobody', name, 'id', '-u'])).toMatchObject({ status: 0, stdout: '65534\n' });
    expect(await fx.tsbuild(['exec', '-u', '1234:5678', name, 'id'])).toMatchObject({ status: 0, stdout: expect.stringMatching(/^uid=1234 gid=5678/) });
    expect(await fx.tsbuild(['exec', '-w', '/etc', name, 'pwd'])).toMatchObject({ status: 0, stdout: '/etc\n' });
    expect((await fx.tsbuild(['exec', name, 'sh', '-c', 'exit 42'])).status).toBe(42);
    expect((await fx.tsbuild(['exec', name, 'no-such-command'])).status).toBe(127);
    expect((await fx.tsbuild(['exec', name, '/etc/hostname'])).status).toBe(126);
    expect(await fx.tsbuild(['exec', '-i', name, 'cat'], { input: 'typed\n' })).toMatchObject({ status: 0, stdout: 'typed\n' });
  });

  it("has the container command's privileges: capabilities, no_new_privs, seccomp, cgroup", async () => {
    const fields = /^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):.*$/gm;
    const run = await fx.tsbuild(['run', '--rm', '--runtime', runtime, IMAGES.busybox, 'cat', '/proc/self/status']);
    expect(run.status, run.stderr).toBe(0);
    const exec = await fx.tsbuild(['exec', name, 'cat', '/proc/self/status']);
    expect(exec.status, exec.stderr).toBe(0);
    const expected = run.stdout.match(fields);
    expect(expected).toHaveLength(7);
    expect(exec.stdout.match(fields)).toEqual(expected);
    // The same cgroup as the container's sleep (PID 1's child), in every hierarchy.
    const cgroups = await fx.tsbuild(['exec', name, 'sh', '-c', 'cat /proc/$(pidof sleep)/cgroup; echo ---; cat /proc/self/cgroup']);
    const [ofSleep, ofExec] = cgroups.stdout.split('---\n');
    expect(ofExec).toBe(ofSleep);
    // Refused as in the container: a new namespace (the seccomp filter) and a mount (no CAP_SYS_ADMIN).
    expect((await fx.tsbuild(['exec', name, 'unshare', '-n', 'true'])).status).not.toBe(0);
    expect((await fx.tsbuild(['exec', name, 'mount', '-t', 'tmpfs', 'x', '/mnt'])).status).not.toBe(0);
  });

  it('refuses -t clearly (no pseudo-terminal yet)', async () => {
    const r = await fx.tsbuild(['exec', '-t', name, 'true']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('exec -t');
  });

  it('fails clearly for a stopped, a removed and an unknown container', async () => {
    expect((await fx.tsbuild(['stop', '-t', '0', name])).status).toBe(0);
    const stopped = await fx.tsbuild(['exec', name, 'true']);
    expect(stopped.status).toBe(1);
    expect(stopped.stderr).toContain(`container ${name} is not running`);
    expect((await fx.tsbuild(['rm', name])).status).toBe(0);
    const removed = await fx.tsbuild(['exec', name, 'true']);
    expect(removed.status).toBe(1);
    expect(removed.stderr).toContain(`No such container: ${name}`);
    const unknown = await fx.tsbuild(['exec', 'never-was', 'true']);
    expect(unknown).toMatchObject({ status: 1, stdout: '' });
    expect(unknown.stderr).toContain('No such container: never-was');
  });
});

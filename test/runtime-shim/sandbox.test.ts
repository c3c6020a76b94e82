// Behaviour of every sandbox backend over a busybox rootfs: isolation, identity, limits, overlay, cleanup.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { detectCgroupLayout, helperPath, selectBackend, type SandboxBackend } from '../../src/runtime-shim/index.js';
import { encodeHelperSpec } from '../../src/runtime-shim/builtin-spec.js';
import { hostBlockDevice } from '../helpers/host-device.js';
import { mountsUnder, processesMatching, uniqueSleepSeconds } from '../helpers/leftovers.js';
import { makeFixture, makeSandboxRootfs, runCaptured, runCgroupsOf, sh, type Fixture } from './fixture.js';

const DOCKER_DEFAULT_CAPS = '00000000a80425fb';

let fx: Fixture;
/** TMPDIR of this file's runs: their run dirs (where runc mounts the rootfs) are made here. */
let runTmp: string;
beforeAll(async () => {
  fx = await makeFixture();
  runTmp = join(fx.base, 'tmp');
  mkdirSync(runTmp);
  vi.stubEnv('TMPDIR', runTmp);
});
afterAll(() => {
  vi.unstubAllEnvs();
  fx.cleanup();
});

describe.each(['builtin', 'runc'] as const)('%s backend', (name) => {
  let backend: SandboxBackend;
  beforeAll(() => {
    // Fails loudly (SANDBOX) when the helper is not built or runc is not installed.
    backend = selectBackend(name);
  });

  it('runs echo and captures stdout, stderr and stdin', async () => {
    const r = await runCaptured(backend, fx.spec(sh('echo hi; echo oops >&2; cat')), { stdin: 'from stdin' });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'hi\nfrom stdin', stderr: 'oops\n' });
  });

  it('propagates exit codes and death by signal', async () => {
    expect((await runCaptured(backend, fx.spec(sh('exit 3')))).exitCode).toBe(3);
    const killed = await runCaptured(backend, fx.spec(sh('kill -9 $$; echo survived')));
    // Under runc the command is PID 1 of its namespace, and PID 1 cannot be killed from inside it.
    if (name === 'builtin') expect(killed).toMatchObject({ exitCode: 137, signal: 'SIGKILL', stdout: '' });
    else expect(killed).toMatchObject({ exitCode: 0, stdout: 'survived\n' });
  });

  it('forwards SIGTERM sent to the host process (onSpawn) to the command', async () => {
    let hostPid = 0;
    let sent = false;
    const r = await runCaptured(backend, fx.spec(sh('trap "echo got-term; exit 7" TERM; echo ready; sleep 5 & wait')), {
      onSpawn: (pid) => (hostPid = pid),
    }, (text) => {
      if (sent || !text.includes('ready')) return;
      sent = true;
      process.kill(hostPid, 'SIGTERM');
    });
    expect(r).toMatchObject({ exitCode: 7, stdout: 'ready\ngot-term\n' });
  });

  it('reports a missing executable as exit status 127', async () => {
    const r = await runCaptured(backend, fx.spec(['no-such-command']));
    expect(r.exitCode).toBe(127);
  });

  it('passes env and creates a missing cwd', async () => {
    const r = await runCaptured(backend, fx.spec(sh('echo "$GREETING"; pwd'), { env: ['PATH=/bin', 'GREETING=hello'], cwd: '/work/a/b' }));
    expect(r.stdout).toBe('hello\n/work/a/b\n');
  });

  it('shows only its own processes in a fresh PID namespace', async () => {
    const r = await runCaptured(backend, fx.spec(sh('ls -d /proc/[0-9]* | wc -l; cat /proc/1/cmdline | tr "\\0" " "')));
    const [count, pid1] = r.stdout.split('\n');
    // builtin: init + sh + ls/wc/cat pipeline; runc: sh is PID 1.
    expect(Number(count)).toBeLessThanOrEqual(5);
    if (name === 'builtin') expect(pid1).toContain('tsbuild-sandbox');
    else expect(pid1).toContain('sh -c');
  });

  it('hides host paths outside the rootfs', async () => {
    writeFileSync(join(fx.base, 'host-secret-marker'), 'secret');
    const r = await runCaptured(backend, fx.spec(sh('find / -xdev -name "host-secret-marker*" | wc -l; cat /../host-secret-marker ../host-secret-marker 2>/dev/null | grep -cx secret; true')));
    expect(r.stdout).toBe('0\n0\n');
  });

  it('runs on a plain directory rootfs, hides its parent and removes the mount points it created', async () => {
    const rootfs = await makeSandboxRootfs(join(fx.base, `dir-rootfs-${name}`));
    writeFileSync(join(fx.base, `dir-marker-${name}`), 'secret');
    const spec = fx.spec(sh(`cat /../dir-marker-${name} 2>/dev/null; ls /; echo written > /made-here`), { rootfs: { kind: 'directory', path: rootfs } });
    const r = await runCaptured(backend, spec);
    expect(r.stdout).not.toContain('secret');
    expect(r.stdout).toContain('proc');
    expect(readFileSync(join(rootfs, 'made-here'), 'utf8')).toBe('written\n');
    expect(readdirSync(rootfs).sort()).toEqual(['bin', 'etc', 'made-here', 'root', 'tmp']);
    expect(readdirSync(join(rootfs, 'etc')).sort()).toEqual(['group', 'passwd']);
  });

  it('with network none has only the loopback interface, up', async () => {
    const r = await runCaptured(backend, fx.spec(sh('ls /sys/class/net; cat /sys/class/net/lo/operstate'), { network: 'none' }));
    expect(r.stdout.split('\n')[0]).toBe('lo');
    expect(r.stdout.split('\n')[1]).not.toBe('down');
    const host = await runCaptured(backend, fx.spec(sh('ls /sys/class/net')));
    expect(host.stdout.trim().split('\n').sort()).toEqual(readdirSync('/sys/class/net').sort());
  });

  it('sets the hostname and generates /etc files that stay out of the upper dir', async () => {
    const spec = fx.spec(sh('hostname; cat /etc/hostname; grep -c "127.0.1.1.*builder" /etc/hosts; echo ok > /etc/new'), { hostname: 'builder' });
    const r = await runCaptured(backend, spec);
    expect(r.stdout).toBe('builder\nbuilder\n1\n');
    expect(readdirSync(join(spec.upperdir, 'etc')).sort()).toEqual(['new']);
    for (const p of ['proc', 'dev', 'sys']) expect(existsSync(join(spec.upperdir, p))).toBe(false);
  });

  it('has Docker\'s default capabilities as root and none as another user', async () => {
    const root = await runCaptured(backend, fx.spec(sh('id; grep -E "Cap(Eff|Bnd)|NoNewPrivs" /proc/self/status')));
    expect(root.stdout).toContain('uid=0(root) gid=0(root)');
    expect(root.stdout).toContain(`CapEff:\t${DOCKER_DEFAULT_CAPS}`);
    expect(root.stdout).toContain(`CapBnd:\t${DOCKER_DEFAULT_CAPS}`);
    expect(root.stdout).toContain('NoNewPrivs:\t1');
    const user = await runCaptured(backend, fx.spec(sh('id; grep CapEff /proc/self/status'), { user: { uid: 1000, gid: 1000, additionalGids: [10] } }));
    expect(user.stdout).toBe('uid=1000(user) gid=1000(user) groups=10(wheel)\nCapEff:\t0000000000000000\n');
  });

  it('writes changes into the overlay upper dir, deletions as whiteouts', async () => {
    const spec = fx.spec(sh('echo data > /created; rm /etc/group'));
    expect((await runCaptured(backend, spec)).exitCode).toBe(0);
    expect(readFileSync(join(spec.upperdir, 'created'), 'utf8')).toBe('data\n');
    const whiteout = lstatSync(join(spec.upperdir, 'etc/group'));
    expect(whiteout.isCharacterDevice() && whiteout.rdev === 0).toBe(true);
    expect(existsSync(join(fx.lower, 'etc/group'))).toBe(true);
  });

  it('binds host directories, read-only when asked', async () => {
    const data = join(fx.base, `data-${name}`);
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'file'), 'content');
    const spec = fx.spec(sh('cat /mnt/data/file; echo x > /mnt/data/other 2>/dev/null || echo read-only'), {
      mounts: [{ type: 'bind', source: data, target: '/mnt/data', readonly: true }, { type: 'tmpfs', target: '/scratch' }],
    });
    expect((await runCaptured(backend, spec)).stdout).toBe('contentread-only\n');
    expect(existsSync(join(spec.upperdir, 'mnt'))).toBe(false);
  });

  it('resolves a bind source inside its sourceRoot: a symlink to / there shows that root, not the host', async () => {
    const stage = join(fx.base, `stage-${name}`);
    mkdirSync(join(stage, 'dir'), { recursive: true });
    writeFileSync(join(stage, 'stage-marker'), 'stage');
    symlinkSync('/', join(stage, 'hostroot'));
    symlinkSync('/../../dir', join(stage, 'up'));
    writeFileSync(join(fx.base, `bind-secret-${name}`), 'host-secret');
    const spec = fx.spec(sh(`ls /h; cat /h/../bind-secret-${name} /h${fx.base}/bind-secret-${name} 2>/dev/null; ls /u`), {
      mounts: [
        { type: 'bind', sourceRoot: stage, source: 'hostroot', target: '/h', readonly: false },
        { type: 'bind', sourceRoot: stage, source: 'up', target: '/u', readonly: true },
      ],
    });
    const r = await runCaptured(backend, spec);
    expect(r.stdout).not.toContain('host-secret');
    expect(r.stdout.split('\n')).toEqual(['dir', 'hostroot', 'stage-marker', 'up', '']);
  });

  it('opens no device but Docker\'s allow-list: a node made for a host disk fails, /dev/null works', async () => {
    const disk = hostBlockDevice('disk-secret');
    try {
      const script = `mknod /dev/d b ${disk.major} ${disk.minor}; head -c 11 /dev/d || echo denied; ` +
        `mknod /tmp/d b ${disk.major} ${disk.minor}; head -c 11 /tmp/d || echo denied; echo ok > /dev/null && head -c 3 /dev/zero | wc -c`;
      const r = await runCaptured(backend, fx.spec(sh(script)));
      expect(r.stdout).not.toContain('disk-secret');
      expect(r.stdout).toBe('denied\ndenied\n3\n');
      expect(r.stderr).toMatch(/Operation not permitted|Permission denied/);
    } finally {
      disk.detach();
    }
  });

  it('puts the command in a cgroup with the CFS quota of its CPU limit', async () => {
    // Its cgroup namespace is rooted at the run's cgroup: the quota read there is its own.
    const file = detectCgroupLayout()?.version === 2 ? '/sys/fs/cgroup/cpu.max' : '/sys/fs/cgroup/cpu/cpu.cfs_quota_us';
    const r = await runCaptured(backend, fx.spec(sh(`cat ${file}`), { limits: { cpus: 0.5 } }));
    expect(r.stdout.split(/\s/)[0]).toBe('50000');
  });

  it('kills an allocation loop at the memory limit (exit 137)', async () => {
    const spec = fx.spec(sh('x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done'), { limits: { memoryBytes: 32 * 1024 * 1024 } });
    expect((await runCaptured(backend, spec)).exitCode).toBe(137);
  });

  it('stops forks at the pids limit', async () => {
    const spec = fx.spec(sh('for i in 1 2 3 4 5 6 7 8 9 10; do sleep 5 & done; echo unreachable'), { limits: { pidsLimit: 6 } });
    const r = await runCaptured(backend, spec);
    expect(r.stderr).toContain("can't fork");
    expect(r.stdout).not.toContain('unreachable');
  });

  it('cleans up everything when aborted during a long sleep', async () => {
    const marker = uniqueSleepSeconds(900000);
    const controller = new AbortController();
    const running = backend.run(fx.spec(sh(`echo started; exec sleep ${marker}`)), {
      signal: controller.signal,
      onStdout: () => controller.abort(),
    });
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(processesMatching(`sleep ${marker}`)).toEqual([]);
    expect(mountsUnder(runTmp)).toEqual([]);
    expect(runCgroupsOf(process.pid)).toEqual([]);
  });

  it('cleans up when aborted while the sandbox is still starting', async () => {
    const marker = uniqueSleepSeconds(600000);
    const controller = new AbortController();
    const running = backend.run(fx.spec(sh(`exec sleep ${marker}`)), { signal: controller.signal });
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(processesMatching(`sleep ${marker}`)).toEqual([]);
    expect(mountsUnder(runTmp)).toEqual([]);
    expect(runCgroupsOf(process.pid)).toEqual([]);
  });

  it('leaves nothing behind when aborted at any point of its start-up', async () => {
    // The helper killed between forking the init and the init arming PDEATHSIG once left the init
    // and the command running (and the run waiting for their pipes to close) forever.
    const marker = uniqueSleepSeconds(700000);
    const rounds = name === 'builtin' ? 150 : 12;
    for (let i = 0; i < rounds; i++) {
      const controller = new AbortController();
      const running = backend.run(fx.spec(sh(`exec sleep ${marker}`)), { signal: controller.signal });
      if (i % 3 === 1) await new Promise((resolve) => setImmediate(resolve));
      if (i % 3 === 2) await new Promise((resolve) => setTimeout(resolve, i % 7));
      controller.abort();
      await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    }
    expect(processesMatching(`sleep ${marker}`)).toEqual([]);
    expect(mountsUnder(runTmp)).toEqual([]);
    expect(runCgroupsOf(process.pid)).toEqual([]);
  }, 60_000);
});

describe('builtin init (PID 1)', () => {
  it('reaps orphaned zombies', async () => {
    const backend = selectBackend('builtin');
    const script = 'sh -c "sleep 0.1 &"; sleep 0.6; grep -l "^State:.Z" /proc/[0-9]*/status | wc -l';
    expect((await runCaptured(backend, fx.spec(sh(script)))).stdout).toBe('0\n');
  });

  it('forwards SIGTERM to the command and exits with its status', async () => {
    const backend = selectBackend('builtin');
    const script = 'trap "echo got-term; exit 42" TERM; kill -TERM 1; sleep 5 & wait';
    const r = await runCaptured(backend, fx.spec(sh(script)));
    expect(r).toMatchObject({ exitCode: 42, stdout: 'got-term\n' });
  });
});

describe('builtin helper without a devices cgroup (cgroup v2, where no BPF device program is attached)', () => {
  it('drops CAP_MKNOD, so no device node can be made at all', async () => {
    const dir = join(fx.base, 'no-mknod');
    const rootfs = await makeSandboxRootfs(join(dir, 'rootfs'));
    mkdirSync(join(dir, 'mnt'));
    const spec = fx.spec(sh('grep CapBnd /proc/self/status; mknod /tmp/n c 1 3 && echo made || echo refused'), {
      rootfs: { kind: 'directory', path: rootfs },
    });
    const encoded = encodeHelperSpec(spec, { rootMountpoint: join(dir, 'mnt'), lowerLinkDir: join(dir, 'l'), etcMounts: [], cgroupProcs: [], dropMknod: true });
    writeFileSync(join(dir, 'spec'), encoded);
    const r = spawnSync(helperPath(), [join(dir, 'spec')], { encoding: 'utf8' });
    // Docker's set without CAP_MKNOD (bit 27).
    expect(r.stdout).toBe(`CapBnd:\t${(BigInt(`0x${DOCKER_DEFAULT_CAPS}`) & ~(1n << 27n)).toString(16).padStart(16, '0')}\nrefused\n`);
  });
});

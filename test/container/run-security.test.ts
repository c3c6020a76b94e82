// `tsbuild run` against hostile containers, end to end through the built CLI and both runtimes:
// typing into the caller's terminal (TIOCSTI, under a real pty), the default seccomp filter and
// --security-opt, and a device node for a host disk that arrives in an image layer.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { hostBlockDevice } from '../helpers/host-device.js';
import { buildSyscallProbe, probeResults } from '../helpers/syscall-probe.js';
import { cli, collect, IMAGES, makeRunFixture, type RunFixture } from '../container/fixture.js';

let fx: RunFixture;
let probe: string;
beforeAll(async () => {
  fx = await makeRunFixture();
  probe = buildSyscallProbe(join(fx.work, 'probe'));
}, 120_000);
afterAll(() => rmSync(fx.work, { recursive: true, force: true }));

/** Runs the CLI with `args` under a fresh pseudo-terminal (util-linux `script`), as a user's shell would. */
function underPty(args: string[]): Promise<{ status: number | null; stdout: string }> {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, cli, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, TSBUILD_ROOT: fx.root } });
  return collect(child).then((r) => ({ status: r.status, stdout: r.stdout.replace(/\r/g, '') }));
}

describe.each(['builtin', 'runc'] as const)('tsbuild run (%s)', (runtime) => {
  it('-i under a terminal: the container cannot push input into it (TIOCSTI), open /dev/tty or inherit other fds', async () => {
    const r = await underPty(['run', '-i', '--rm', '--runtime', runtime, '-v', `${probe}:/probe:ro`, IMAGES.busybox,
      'sh', '-c', 'echo fds: $(ls /proc/self/fd); /probe/syscall-probe tiocsti tiocsti-tty']);
    const results = probeResults(r.stdout);
    expect(Object.keys(results)).toEqual(['tiocsti', 'tiocsti-tty']);
    expect(results['tiocsti']).not.toBe('ok');
    expect(results['tiocsti-tty']).not.toBe('ok');
    expect(r.stdout).toContain('fds: 0 1 2 3\n'); // 3 is ls's own directory
  });

  it('-i still relays stdin to the command', async () => {
    const r = await fx.tsbuild(['run', '-i', '--rm', '--runtime', runtime, IMAGES.busybox, 'sh', '-c', 'cat; echo end'], { input: 'typed\n' });
    expect(r).toMatchObject({ status: 0, stdout: 'typed\nend\n' });
  });

  it('applies the default seccomp filter; --security-opt seccomp=unconfined lifts it', async () => {
    const args = ['--rm', '--runtime', runtime, '-v', `${probe}:/probe:ro`, IMAGES.busybox, '/probe/syscall-probe', 'keyctl', 'unshare-user'];
    const confined = await fx.tsbuild(['run', ...args]);
    expect(probeResults(confined.stdout)).toEqual({ keyctl: 'EPERM', 'unshare-user': 'EPERM' });
    const unconfined = await fx.tsbuild(['run', '--security-opt', 'seccomp=unconfined', ...args]);
    expect(probeResults(unconfined.stdout)).toEqual({ keyctl: 'ok', 'unshare-user': 'ok' });
  });

  it('a block device node from an image layer does not open the host disk', async () => {
    const disk = hostBlockDevice('layer-disk-secret');
    const rootfs = mkdtempSync(join(tmpdir(), 'tsbuild-devimage-'));
    try {
      await makeBusyboxRootfs(rootfs);
      spawnSync('mknod', [join(rootfs, 'disk'), 'b', String(disk.major), String(disk.minor)]);
      const name = `test/device-${runtime}:1`;
      const imported = await fx.tsbuild(['import', rootfs, name]);
      expect(imported.status).toBe(0);
      const r = await fx.tsbuild(['run', '--rm', '--runtime', runtime, name, 'sh', '-c', 'ls -l /disk; head -c 17 /disk || echo denied']);
      expect(r.stdout).toMatch(/^b/); // the node is there...
      expect(r.stdout).not.toContain('layer-disk-secret'); // ...but does not open
      expect(r.stdout).toContain('denied');
    } finally {
      disk.detach();
      rmSync(rootfs, { recursive: true, force: true });
    }
  });
});

describe('--security-opt', () => {
  it('refuses a seccomp profile file and unknown options with exit 125 and a clear message', async () => {
    const file = await fx.tsbuild(['run', '--rm', '--security-opt', 'seccomp=/etc/profile.json', IMAGES.busybox, 'true']);
    expect(file.status).toBe(125);
    expect(file.stderr).toMatch(/seccomp profile files are not supported/);
    expect(file.stderr).not.toMatch(/\n\s+at /);
    const unknown = await fx.tsbuild(['run', '--rm', '--security-opt', 'apparmor=x', IMAGES.busybox, 'true']);
    expect(unknown.status).toBe(125);
    expect(unknown.stderr).toMatch(/security option apparmor=x is not supported/);
  });
});


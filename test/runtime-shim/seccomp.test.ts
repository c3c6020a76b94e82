// The default seccomp filter in both backends: the kernel keyring, new namespaces and the other
// syscalls Docker's default profile refuses fail with EPERM; ordinary commands keep working;
// `unconfined` turns it off (which also shows the probes can succeed here).
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type SandboxBackend, type SandboxSpec } from '../../src/runtime-shim/index.js';
import { DENIED_SYSCALLS } from '../../src/runtime-shim/seccomp.js';
import { buildSyscallProbe, probeResults } from '../helpers/syscall-probe.js';
import { makeFixture, runCaptured, sh, type Fixture } from './fixture.js';

const PROBES = ['clone-user', 'unshare-user', 'keyctl', 'add_key', 'io_uring', 'personality-norandom', 'personality-query', 'fork'];

let fx: Fixture;
let probeDir: string;
beforeAll(async () => {
  fx = await makeFixture();
  probeDir = buildSyscallProbe(join(fx.base, 'probe'));
});
afterAll(() => fx.cleanup());

function probeSpec(over: Partial<SandboxSpec> = {}): SandboxSpec {
  return fx.spec(['/probe/syscall-probe', ...PROBES], {
    mounts: [{ type: 'bind', source: probeDir, target: '/probe', readonly: true }],
    ...over,
  });
}

describe.each(['builtin', 'runc'] as const)('%s backend', (name) => {
  let backend: SandboxBackend;
  beforeAll(() => {
    backend = selectBackend(name);
  });

  it('refuses the keyring, user namespaces and io_uring with EPERM by default', async () => {
    const r = await runCaptured(backend, probeSpec());
    expect(r.exitCode).toBe(0);
    const results = probeResults(r.stdout);
    expect(results).toMatchObject({
      'clone-user': 'EPERM', 'unshare-user': 'EPERM', keyctl: 'EPERM', add_key: 'EPERM', io_uring: 'EPERM',
      'personality-query': 'ok', fork: 'ok',
    });
    // runc's profile cannot express "personality only with these values" (one comparison per argument).
    if (name === 'builtin') expect(results['personality-norandom']).toBe('EPERM');
  });

  it.runIf(process.arch === 'x64')('filters the i386 syscall entry by its own numbers and refuses the x32 ABI', async () => {
    const spec = probeSpec({ args: ['/probe/syscall-probe', 'keyctl-i386', 'getpid-i386', 'getpid-x32'] });
    const r = await runCaptured(backend, spec);
    expect(probeResults(r.stdout)).toMatchObject({ 'keyctl-i386': 'EPERM', 'getpid-i386': 'ok' });
    // The helper answers x32 with EPERM; runc's libseccomp kills the process (bad architecture).
    if (name === 'builtin') expect(probeResults(r.stdout)['getpid-x32']).toBe('EPERM');
    else expect(r).toMatchObject({ signal: 'SIGSYS' });
    const unconfined = probeResults((await runCaptured(backend, probeSpec({ args: spec.args, seccomp: 'unconfined' }))).stdout);
    expect(unconfined['keyctl-i386']).toBe('ok');
  });

  it('with seccomp unconfined the same calls succeed', async () => {
    const r = await runCaptured(backend, probeSpec({ seccomp: 'unconfined' }));
    expect(probeResults(r.stdout)).toMatchObject({ 'clone-user': 'ok', 'unshare-user': 'ok', keyctl: 'ok', add_key: 'ok' });
  });

  it('keeps ordinary commands working: shell, files, chown, switching user, unshare refused', async () => {
    const script = 'ls / > /dev/null && cp /etc/passwd /tmp/p && chown 1000:1000 /tmp/p && stat -c %u:%g /tmp/p && ' +
      'mkdir -p /tmp/d && mv /tmp/p /tmp/d/ && su -s /bin/sh -c "id -u" user && ' +
      '(unshare -U true 2>/dev/null && echo unshared || echo no-unshare)';
    const r = await runCaptured(backend, fx.spec(sh(script)));
    expect(r).toMatchObject({ exitCode: 0, stdout: '1000:1000\n1000\nno-unshare\n' });
  });

  it('lets a setuid binary raise a non-root user to root (RUN turns no_new_privs off), still filtered', async () => {
    const spec = fx.spec(['/usr/local/bin/probe-suid', 'euid0', 'keyctl'], { user: { uid: 1000, gid: 1000 }, noNewPrivileges: false });
    mkdirSync(join(spec.upperdir, 'usr/local/bin'), { recursive: true });
    const binary = join(spec.upperdir, 'usr/local/bin/probe-suid');
    copyFileSync(join(probeDir, 'syscall-probe'), binary);
    chmodSync(binary, 0o4755);
    const r = await runCaptured(backend, spec);
    expect(probeResults(r.stdout)).toEqual({ euid0: 'ok', keyctl: 'EPERM' });
  });
});

describe('the deny-list', () => {
  it('is the same in the helper (C) and the runc profile (TypeScript)', () => {
    const c = readFileSync(new URL('../../native/tsbuild-sandbox.c', import.meta.url), 'utf8');
    const table = /static const unsigned denied_native\[\] = \{([\s\S]*?)\n\};/.exec(c)?.[1] ?? '';
    const names = [...table.matchAll(/^ {2}__NR_(\w+),$/gm)].map((m) => m[1]);
    expect(names).toEqual([...DENIED_SYSCALLS]);
  });
});

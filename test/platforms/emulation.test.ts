// The emulation check against fake binfmt_misc directories written in the kernel's format, and
// against the real one once qemu-aarch64 is registered.
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertCanRun, BINFMT_MISC_DIR, emulationVerdict, parseHandler } from '../../src/runtime-shim/emulation.js';
import type { Step } from '../../src/planner/types.js';
import { arm64Problem, ensureArm64Emulation } from './binfmt.js';

/** As /proc/sys/fs/binfmt_misc/qemu-aarch64 reads after `update-binfmts --enable qemu-aarch64`. */
const AARCH64 = [
  'enabled',
  'interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P',
  'flags: PF',
  'offset 0',
  'magic 7f454c460201010000000000000000000200b700',
  'mask ffffffffffffff00fffffffffffffffffeffffff',
  '',
].join('\n');
const ARM = AARCH64.replace('aarch64-binfmt-P', 'arm-binfmt-P')
  .replace('magic 7f454c460201010000000000000000000200b700', 'magic 7f454c4601010100000000000000000002002800');
const RISCV64 = AARCH64.replace('aarch64-binfmt-P', 'riscv64-binfmt-P')
  .replace('magic 7f454c460201010000000000000000000200b700', 'magic 7f454c460201010000000000000000000200f300');
const S390X = [
  'enabled', 'interpreter /usr/bin/qemu-s390x-static', 'flags: F', 'offset 0',
  'magic 7f454c4602020100000000000000000000020016', 'mask ffffffffffffff00fffffffffffffffffffeffff', '',
].join('\n');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A fake binfmt_misc mount: `register`, `status` and one file per handler. */
function fakeBinfmt(handlers: Record<string, string>, status = 'enabled'): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsbuild-binfmt-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'register'), '');
  writeFileSync(join(dir, 'status'), `${status}\n`);
  for (const [name, text] of Object.entries(handlers)) writeFileSync(join(dir, name), text);
  return dir;
}

const STEP: Pick<Step, 'file' | 'range' | 'instruction'> = {
  file: 'Dockerfile',
  range: { start: { line: 3, column: 1 }, end: { line: 3, column: 13 } },
  instruction: 'RUN uname -m',
};

describe('emulationVerdict', () => {
  it('parses a registration as the kernel prints it', () => {
    const handler = parseHandler('qemu-aarch64', AARCH64);
    expect(handler).toMatchObject({ name: 'qemu-aarch64', enabled: true, flags: 'PF', offset: 0 });
    expect(handler.magic.toString('hex')).toBe('7f454c460201010000000000000000000200b700');
    expect(parseHandler('x', AARCH64.replace('enabled', 'disabled')).enabled).toBe(false);
  });

  it.each([
    ['arm64', { 'qemu-aarch64': AARCH64 }],
    ['arm64', { 'any-name-works': AARCH64 }],
    ['arm', { 'qemu-arm': ARM }],
    ['riscv64', { 'qemu-riscv64': RISCV64, 'qemu-aarch64': AARCH64 }],
    ['s390x', { 'qemu-s390x': S390X }],
  ])('finds an enabled fix-binary handler for %s by its ELF magic', (arch, handlers) => {
    expect(emulationVerdict(arch, fakeBinfmt(handlers), 'amd64')).toMatchObject({ ok: true });
  });

  it.each([
    ['arm64', { 'qemu-arm': ARM, 'qemu-riscv64': RISCV64 }, /no emulator for arm64 \(qemu-aarch64\) is registered/],
    ['riscv64', { 'qemu-aarch64': AARCH64 }, /no emulator for riscv64 \(qemu-riscv64\)/],
    ['arm64', { 'qemu-aarch64': AARCH64.replace('enabled', 'disabled') }, /no emulator for arm64/],
    ['arm64', { 'qemu-aarch64': AARCH64.replace('flags: PF', 'flags: P') }, /lacks the F \(fix-binary\) flag/],
    ['wasm', {}, /knows no emulator for architecture "wasm"/],
  ])('refuses %s with %o', (arch, handlers, message) => {
    const verdict = emulationVerdict(arch, fakeBinfmt(handlers), 'amd64');
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.reason).toMatch(message);
  });

  it('treats binfmt_misc globally disabled as no handler, and an unmounted dir as such', () => {
    const disabled = emulationVerdict('arm64', fakeBinfmt({ 'qemu-aarch64': AARCH64 }, 'disabled'), 'amd64');
    expect(disabled.ok ? '' : disabled.reason).toMatch(/no emulator for arm64/);
    const unmounted = emulationVerdict('arm64', join(tmpdir(), 'tsbuild-no-such-binfmt-dir'), 'amd64');
    expect(unmounted.ok ? '' : unmounted.reason).toMatch(/binfmt_misc is not mounted.*\n[\s\S]*mount -t binfmt_misc/);
  });

  it('needs no handler for the host architecture or what it runs natively', () => {
    const empty = fakeBinfmt({});
    expect(emulationVerdict('amd64', empty, 'amd64').ok).toBe(true);
    expect(emulationVerdict('386', empty, 'amd64').ok).toBe(true);
    expect(emulationVerdict('arm', empty, 'arm64').ok).toBe(true);
    expect(emulationVerdict('amd64', empty, 'arm64').ok).toBe(false);
  });
});

describe('assertCanRun', () => {
  it('throws a SANDBOX error naming the line, the platform and how to enable emulation', async () => {
    const error = await assertCanRun('linux/arm64', STEP, fakeBinfmt({})).then(() => undefined, (e: unknown) => e as Error & { code: string });
    expect(error?.code).toBe('SANDBOX');
    expect(error?.message).toMatch(/^Dockerfile:3: cannot run "RUN uname -m" for linux\/arm64 on this linux\/amd64 host: /);
    expect(error?.message).toContain('apt-get install qemu-user-static binfmt-support && update-binfmts --enable qemu-aarch64');
    expect(error?.message).toContain('tonistiigi/binfmt --install arm64');
    expect(error?.message).toContain('FROM --platform=$BUILDPLATFORM');
  });

  it('words the error without a line for `tsbuild run` (no Dockerfile)', async () => {
    const run = { file: '', instruction: 'image busybox' };
    await expect(assertCanRun('linux/arm64', run, fakeBinfmt({}))).rejects.toThrow(/^cannot run "image busybox" for linux\/arm64 on this linux\/amd64 host: no emulator/);
  });

  it('caches the verdict per directory and architecture', async () => {
    const dir = fakeBinfmt({ 'qemu-aarch64': AARCH64 });
    await assertCanRun('linux/arm64', STEP, dir);
    unlinkSync(join(dir, 'qemu-aarch64'));
    await expect(assertCanRun('linux/arm64/v8', STEP, dir)).resolves.toBeUndefined();
    await expect(assertCanRun('linux/riscv64', STEP, dir)).rejects.toThrow(/no emulator for riscv64/);
  });

  it('reads $TSBUILD_BINFMT_DIR when no directory is given', async () => {
    const previous = process.env.TSBUILD_BINFMT_DIR;
    process.env.TSBUILD_BINFMT_DIR = fakeBinfmt({});
    try {
      await expect(assertCanRun('linux/s390x', STEP)).rejects.toThrow(/no emulator for s390x \(qemu-s390x\)/);
    } finally {
      if (previous === undefined) delete process.env.TSBUILD_BINFMT_DIR;
      else process.env.TSBUILD_BINFMT_DIR = previous;
    }
  });

  it('passes for arm64 on this machine once qemu-aarch64 is registered', async () => {
    expect(ensureArm64Emulation(), arm64Problem()).toBe(true);
    await expect(assertCanRun('linux/arm64', STEP, BINFMT_MISC_DIR)).resolves.toBeUndefined();
  });
});

// Test set-up of arm64 emulation: binfmt_misc mounted and qemu-aarch64 registered with the F
// (fix-binary) flag, so the emulator works inside the sandbox's own mount namespace. Needs root
// and the qemu-user-static package (binfmt-support for update-binfmts).
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { BINFMT_MISC_DIR, emulationVerdict } from '../../src/runtime-shim/emulation.js';

const QEMU_AARCH64 = '/usr/bin/qemu-aarch64-static';
// qemu's own registration for aarch64 ELF executables (scripts/qemu-binfmt-conf.sh).
const AARCH64_MAGIC = '\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00';
const AARCH64_MASK = '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff';

/** Whether arm64 executables run here (through tsbuild's own check); first tries to enable it. */
export function ensureArm64Emulation(): boolean {
  if (arm64Runs()) return true;
  if (!existsSync(`${BINFMT_MISC_DIR}/register`)) {
    tryRun('mount', ['-t', 'binfmt_misc', 'binfmt_misc', BINFMT_MISC_DIR]);
  }
  if (arm64Runs()) return true;
  if (existsSync('/usr/sbin/update-binfmts')) tryRun('update-binfmts', ['--enable', 'qemu-aarch64']);
  if (arm64Runs()) return true;
  registerDirectly();
  return arm64Runs();
}

/** Why arm64 cannot run here, for the failure message of a test. */
export function arm64Problem(): string {
  const verdict = emulationVerdict('arm64', BINFMT_MISC_DIR);
  if (verdict.ok) return 'arm64 emulation is available';
  return `${verdict.reason}\n(the platform tests need root, qemu-user-static and binfmt-support)`;
}

function arm64Runs(): boolean {
  return emulationVerdict('arm64', BINFMT_MISC_DIR).ok;
}

/** Writes qemu's registration with flags F (open the interpreter now) and no P (plain qemu binary). */
function registerDirectly(): void {
  if (!existsSync(QEMU_AARCH64) || !existsSync(`${BINFMT_MISC_DIR}/register`)) return;
  const existing = `${BINFMT_MISC_DIR}/qemu-aarch64`;
  try {
    if (existsSync(existing)) writeFileSync(existing, '-1');
    writeFileSync(`${BINFMT_MISC_DIR}/register`, `:qemu-aarch64:M::${AARCH64_MAGIC}:${AARCH64_MASK}:${QEMU_AARCH64}:F`);
  } catch {
    // Not root or not permitted: the caller's check reports what is missing.
  }
}

function tryRun(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
  } catch {
    // The caller re-checks and reports what is missing.
  }
}

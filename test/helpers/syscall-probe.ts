// Builds test/helpers/syscall-probe.c as a static binary (only a C compiler and libc.a needed),
// for tests that check which syscalls a sandbox refuses.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('./syscall-probe.c', import.meta.url));

/** Compiles the probe into `dir` (created) and returns `dir`; the binary is `dir/syscall-probe`. */
export function buildSyscallProbe(dir: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync('cc', ['-static', '-O1', '-o', join(dir, 'syscall-probe'), source], { stdio: 'pipe' });
  return dir;
}

/** `NAME=result` lines of the probe's output as a record. */
export function probeResults(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.trim().split('\n').filter((l) => l.includes('=')).map((l) => l.split('=', 2) as [string, string]));
}

// What a test left mounted or running, limited to what that test itself made: vitest runs test
// files in parallel and several worktrees' suites share the machine, so a machine-wide look
// (every mount, `pgrep sleep`) would see other tests' sandboxes alive at the same moment.
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';

/**
 * Mount points (in this process's mount namespace) at or below any of `dirs`. Read here, not
 * through src/snapshots/overlay.ts's mountsUnder: cleanup uses that one to find what to unmount.
 */
export function mountsUnder(...dirs: string[]): string[] {
  // mountinfo shows canonical paths: resolve symlinks while the directory still exists.
  const prefixes = dirs.map((dir) => (existsSync(dir) ? realpathSync(dir) : dir).replace(/\/+$/, ''));
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean)
    .map((line) => unescapeMountPath(line.split(' ')[4] ?? ''))
    .filter((point) => prefixes.some((prefix) => point === prefix || point.startsWith(`${prefix}/`)));
}

/** mountinfo writes space, tab, newline and backslash in paths as octal escapes (`\040`). */
function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_all, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** Pids whose command line (arguments joined by spaces, as `pgrep -f` sees it) contains `token`. */
export function processesMatching(token: string): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(token);
    } catch {
      return false; // exited while we looked
    }
  });
}

/**
 * A `sleep` duration that no other process on the machine uses, to find this test's sleepers
 * by command line: `seconds` plus a random nine-digit fraction, e.g. `60.482913576`.
 */
export function uniqueSleepSeconds(seconds: number): string {
  return `${seconds}.${randomInt(100_000_000, 1_000_000_000)}`;
}

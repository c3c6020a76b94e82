// Temporary directories for builder state, removed with any mounts a builder left inside them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function makeScratchDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `tsbuild-bench-${prefix}-`));
}

/** Mount points at or below `dir`, deepest first (from /proc/self/mountinfo). */
function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((mountPoint): mountPoint is string => mountPoint !== undefined)
    .map((mountPoint) => mountPoint.replace(/\\040/g, ' '))
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

/** Unmounts (lazily) everything mounted below `dir`, then deletes it. */
export function removeTree(dir: string): void {
  for (const mountPoint of mountsUnder(dir)) spawnSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

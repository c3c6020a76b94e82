// Private tmpfs dirs (secrets, helper specs): 0700 on a tmpfs, and the sweep removes exactly the
// dirs of dead processes (pid gone, or pid reused by a process that started at another time).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPrivateDir, sweepPrivateDirs } from '../../src/runtime-shim/private-tmpfs.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function ownStartTime(): string {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

function fakeDir(name: string): string {
  const dir = join('/dev/shm', name);
  mkdirSync(dir);
  made.push(dir);
  return dir;
}

describe('private tmpfs dirs', () => {
  it('are 0700 directories on a tmpfs, removed by remove()', () => {
    const dir = createPrivateDir();
    made.push(dir.path);
    expect(statfsSync(dir.path).type).toBe(0x01021994);
    expect(statSync(dir.path).mode & 0o777).toBe(0o700);
    dir.remove();
    expect(existsSync(dir.path)).toBe(false);
  });

  it('the sweep removes the dirs of dead and reused pids, never a live process', () => {
    const exited = spawnSync('true');
    const deadPid = exited.pid as number;
    const dead = fakeDir(`tsbuild-${deadPid}-123-aa`);
    const reused = fakeDir(`tsbuild-${process.pid}-1-bb`);
    const live = fakeDir(`tsbuild-${process.pid}-${ownStartTime()}-cc`);
    const other = fakeDir(`tsbuild-not-ours-${process.pid}`);
    sweepPrivateDirs();
    expect({ dead: existsSync(dead), reused: existsSync(reused), live: existsSync(live), other: existsSync(other) }).toEqual({
      dead: false,
      reused: false,
      live: true,
      other: true,
    });
  });
});

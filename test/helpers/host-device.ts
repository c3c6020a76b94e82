// A host block device with known content for device-escape tests: a loop device over a temp file
// (a VM's real disk may not be readable even by root; a loop device always is, to root).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface HostBlockDevice {
  major: number;
  minor: number;
  detach(): void;
}

export function hostBlockDevice(content: string): HostBlockDevice {
  const dir = mkdtempSync(join(tmpdir(), 'tsbuild-disk-'));
  const image = join(dir, 'disk.img');
  writeFileSync(image, Buffer.concat([Buffer.from(content), Buffer.alloc(8192)]));
  const device = execFileSync('losetup', ['--find', '--show', image], { encoding: 'utf8' }).trim();
  const rdev = statSync(device).rdev;
  return {
    major: Math.floor(rdev / 256) & 0xfff,
    minor: (rdev & 0xff) | ((rdev >> 12) & 0xfff00),
    detach: () => {
      execFileSync('losetup', ['-d', device]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

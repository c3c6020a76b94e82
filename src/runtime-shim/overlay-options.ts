// The overlayfs mount options of a sandbox rootfs, shared by the builtin helper and the runc backend.
import { mkdirSync, symlinkSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import { overlayDiffOptions } from '../fs/index.js';
import type { OverlayRootfs } from './spec.js';

/**
 * `lowerdir=...,upperdir=...,workdir=...` plus the options that keep the upper dir a
 * self-contained diff (no redirects of renamed dirs, no metadata-only copy-ups, no index).
 * Each lowerdir is reached through a short symlink `<linkDir>/<n>`: the kernel reads the options
 * from one 4 KiB page, which long snapshot paths would fill after a few dozen layers.
 */
export function overlayMountData(rootfs: OverlayRootfs, linkDir: string): string {
  if (rootfs.lowerdirs.length === 0) throw new TsbuildError('SANDBOX', 'overlay rootfs needs at least one lowerdir');
  // overlayfs options are comma-separated and lowerdir is colon-separated.
  const bad = [linkDir, rootfs.upperdir, rootfs.workdir].find((p) => /[,:]/.test(p));
  if (bad) throw new TsbuildError('SANDBOX', `overlay path may not contain ',' or ':': ${bad}`);
  mkdirSync(linkDir, { recursive: true });
  const lowers = rootfs.lowerdirs.map((dir, i) => {
    const link = join(linkDir, String(i));
    symlinkSync(dir, link);
    return link;
  });
  const data = `lowerdir=${lowers.join(':')},upperdir=${rootfs.upperdir},workdir=${rootfs.workdir}`;
  const full = `${data},${overlayDiffOptions()}${volatileOption()}`;
  if (Buffer.byteLength(full) >= 4096) {
    throw new TsbuildError('SANDBOX', `too many layers for one overlay mount (${rootfs.lowerdirs.length})`);
  }
  return full;
}

/**
 * `,volatile` where the kernel has it (5.10+): the upper dir is not synced at unmount. Each
 * unmount would otherwise flush every dirty page of the whole file system (measured 160 ms vs
 * 9 ms with 400 MB dirty). Snapshots made before a reboot are discarded instead (the
 * executor's snapshot store), so a crash never leaves a snapshot with lost data in use.
 */
export function volatileOption(kernelRelease: string = release()): string {
  const [major = 0, minor = 0] = kernelRelease.split('.').map((n) => Number.parseInt(n, 10));
  return major > 5 || (major === 5 && minor >= 10) ? ',volatile' : '';
}

// Mounting and unmounting overlayfs over snapshot directories through tsbuild's native helper.
import { mountOverlayFs, unmountPath, ownerToken, overlayDiffOptions } from '../fs/index.js';
import { volatileOption } from '../runtime-shim/index.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OverlayLayout {
  /** Directory holding the short lowerdir links (`l/<n>`), `upper`, `work` and `merged`. */
  base: string;
  /** Lower directories, bottom (base image) first. */
  lowerdirs: readonly string[];
  /** Mount read-write with `base/upper` and `base/work`; otherwise read-only over the lowers. */
  writable: boolean;
}

/**
 * Mounts `base/merged`. The kernel reads the option string from one page (4 KiB), which 64-char
 * snapshot paths fill after ~50 layers, so each lowerdir is reached through a short symlink
 * `l/<n>` and the helper mounts with `base` as its working directory: options like `lowerdir=l/2:l/1:l/0`
 * stay under a page for the kernel's 500-layer maximum.
 */
export function mountOverlay(layout: OverlayLayout): string {
  const merged = join(layout.base, 'merged');
  mkdirSync(join(layout.base, 'l'), { recursive: true });
  mkdirSync(merged, { recursive: true });
  // Overlay needs two lowers without an upper, and one with: empty dirs at the bottom make up the count.
  const lowers = [...layout.lowerdirs];
  const minimum = layout.writable ? 1 : 2;
  for (let i = 0; lowers.length < minimum; i++) {
    const empty = join(layout.base, `empty${i}`);
    mkdirSync(empty, { recursive: true });
    lowers.unshift(empty);
  }
  lowers.forEach((dir, i) => symlinkSync(dir, join(layout.base, 'l', String(i))));
  const lowerOption = lowers.map((_dir, i) => `l/${i}`).reverse().join(':');
  let options = `lowerdir=${lowerOption}`;
  if (layout.writable) {
    mkdirSync(join(layout.base, 'upper'), { recursive: true });
    mkdirSync(join(layout.base, 'work'), { recursive: true });
    // The upper dir must be a self-contained diff: no redirects for renamed dirs, no metadata-only
    // copy-ups, whatever the host's module defaults are.
    options += `,upperdir=upper,workdir=work,${overlayDiffOptions()}${volatileOption()}`;
  }
  mountOverlayFs(merged, options, !layout.writable, layout.base);
  return merged;
}

/** Unmounts `target`; a busy mount is detached lazily so cleanup never leaves it behind. */
export function unmount(target: string): void {
  unmountPath(target);
}

let overlayUsable: boolean | undefined;

/** Whether this process can mount overlayfs over directories in `scratchDir` (probed once). */
export function canMountOverlay(scratchDir: string): boolean {
  if (overlayUsable !== undefined) return overlayUsable;
  if (process.getuid?.() !== 0) return (overlayUsable = false);
  mkdirSync(scratchDir, { recursive: true });
  const base = mkdtempSync(join(scratchDir, `probe-${ownerToken()}-`)); // owner-named: swept if killed here
  try {
    const lower = join(base, 'lower');
    mkdirSync(lower);
    writeFileSync(join(lower, 'probe'), 'probe');
    const merged = mountOverlay({ base, lowerdirs: [lower], writable: true });
    unmount(merged);
    overlayUsable = true;
  } catch {
    overlayUsable = false;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  return overlayUsable;
}

/** Mount points at or below `dir`, from /proc/self/mountinfo. */
export function mountsUnder(dir: string): string[] {
  const text = readFileSync('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => unescapeMountinfo(line.split(' ')[4] ?? ''));
  return points.filter((point) => point === dir || point.startsWith(`${dir}/`));
}

function unescapeMountinfo(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

// Where overlayfs cannot be mounted: merges snapshot directories into one plain copied tree.
import { spawnSync } from 'node:child_process';
import { lstatSync, readdirSync, rmSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import { opaqueXattr } from '../fs/index.js';
import { findXattr, removeXattr } from '../oci/index.js';

/** Copies a tree with `cp -a`, cloning file extents where the file system can (reflink). */
export function copyTree(source: string, target: string): void {
  runCp(['-a', '--reflink=auto', '--remove-destination', '--', `${source}/.`, `${target}/`]);
}

export function runCp(args: string[], cwd?: string): void {
  const result = spawnSync('cp', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    const detail = result.error?.message ?? result.stderr.trim();
    throw new TsbuildError('STORE', `cp ${args.slice(0, 4).join(' ')} failed: ${detail}`);
  }
}

/**
 * Merges overlay-format snapshot dirs (bottom first) into `target`, giving what an overlay mount
 * would show: whiteout devices delete, opaque directories hide what lies below them.
 */
export function mergeSnapshots(layerDirs: readonly string[], target: string): void {
  for (const layer of layerDirs) {
    const whiteouts: string[] = [];
    walkLayer(layer, '', target, whiteouts);
    const opaque = [...findXattr(layer, opaqueXattr()).keys()].map((path) => path.slice(layer.length + 1));
    for (const rel of opaque) clearChildren(join(target, rel));
    for (const rel of whiteouts) rmSync(join(target, rel), { recursive: true, force: true });
    copyTree(layer, target);
    for (const rel of whiteouts) rmSync(join(target, rel), { force: true });
    for (const rel of opaque) removeXattr(join(target, rel), opaqueXattr());
  }
}

/** Collects whiteouts and removes target entries whose type clashes with the layer's (dir vs not). */
function walkLayer(layer: string, rel: string, target: string, whiteouts: string[]): void {
  for (const name of readdirSync(join(layer, rel))) {
    const childRel = rel === '' ? name : `${rel}/${name}`;
    const stats = lstatSync(join(layer, childRel));
    if (isWhiteout(stats)) {
      whiteouts.push(childRel);
      continue;
    }
    const existing = lstatOrUndefined(join(target, childRel));
    if (existing && existing.isDirectory() !== stats.isDirectory()) {
      rmSync(join(target, childRel), { recursive: true, force: true });
    }
    if (stats.isDirectory()) walkLayer(layer, childRel, target, whiteouts);
  }
}

export function isWhiteout(stats: Stats): boolean {
  return stats.isCharacterDevice() && stats.rdev === 0;
}

function clearChildren(dir: string): void {
  if (!lstatOrUndefined(dir)?.isDirectory()) return;
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
}

export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return undefined;
    }
    throw error;
  }
}

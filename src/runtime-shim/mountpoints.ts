// Mount points the sandbox needs in the rootfs, kept out of the layer the run produces.
//
// Overlay rootfs: a "skeleton" directory holding just the missing mount points (and /etc/hosts,
// /etc/resolv.conf, /etc/hostname) becomes the top-most lower layer, as Docker's init layer does, so
// nothing is ever created in the upper dir. Directory rootfs: created mount points are removed after.
import { chownSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync, rmdirSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { resolveInRoot } from '../fs/index.js';
import type { SandboxSpec } from './spec.js';

interface MountPoint {
  path: string;
  kind: 'dir' | 'file';
}

const ETC_FILES = ['/etc/hosts', '/etc/resolv.conf', '/etc/hostname'];

function mountPoints(spec: SandboxSpec): MountPoint[] {
  const dirs = ['/proc', '/dev', '/sys'].map((path): MountPoint => ({ path, kind: 'dir' }));
  const extra = (spec.mounts ?? []).map((m): MountPoint => {
    // A file, a socket (the ssh agent) or a device is bound onto a file.
    const source = m.type === 'bind' && m.source !== undefined ? statOrUndefined(bindSourcePath(m.source, m.sourceRoot), true) : undefined;
    return { path: normalise(m.target), kind: source !== undefined && !source.isDirectory() ? 'file' : 'dir' };
  });
  return [...ETC_FILES.map((path): MountPoint => ({ path, kind: 'file' })), ...dirs, ...extra];
}

/** The host path of a bind source: inside its `sourceRoot` (a stage, the context, a cache dir) when it has one. */
function bindSourcePath(source: string, sourceRoot: string | undefined): string {
  return sourceRoot === undefined ? source : resolveInRoot(sourceRoot, source, true);
}

/** Layer directories, top-most first. */
function layerDirs(spec: SandboxSpec): string[] {
  return spec.rootfs.kind === 'overlay' ? [spec.rootfs.upperdir, ...spec.rootfs.lowerdirs] : [spec.rootfs.path];
}

/**
 * Writes the skeleton layer into `skeletonDir` and returns the spec with it on top of the lowerdirs.
 * The /etc files are always in it (masking e.g. an image's resolv.conf symlink); other mount points
 * only where no layer has them. Parent directories copy the mode and owner of the layers' version.
 */
export function withSkeletonLayer(spec: SandboxSpec, skeletonDir: string): SandboxSpec {
  if (spec.rootfs.kind !== 'overlay') return spec;
  const layers = layerDirs(spec);
  mkdirSync(skeletonDir, { recursive: true });
  for (const point of mountPoints(spec)) {
    if (!ETC_FILES.includes(point.path) && existsInAny(layers, point.path)) continue;
    // A parent that is a symlink in the image must stay one: leave that mount point to the runtime.
    if (!makeParents(skeletonDir, layers, point.path)) continue;
    const full = join(skeletonDir, point.path);
    if (statOrUndefined(full)) continue;
    if (point.kind === 'dir') mkdirSync(full, { mode: 0o755 });
    else closeSync(openSync(full, 'w', 0o644));
  }
  return { ...spec, rootfs: { ...spec.rootfs, lowerdirs: [skeletonDir, ...spec.rootfs.lowerdirs] } };
}

/** Creates the parents of `path` in the skeleton like the image's; false if one is not a directory there. */
function makeParents(skeletonDir: string, layers: string[], path: string): boolean {
  const parts = path.split('/').filter(Boolean).slice(0, -1);
  let rel = '';
  for (const part of parts) {
    rel = `${rel}/${part}`;
    const original = layers.map((dir) => statOrUndefined(join(dir, rel))).find((st) => st !== undefined);
    if (original && !original.isDirectory()) return false;
    const full = join(skeletonDir, rel);
    if (statOrUndefined(full)) continue;
    mkdirSync(full, { mode: original ? original.mode & 0o7777 : 0o755 });
    if (original) chownSync(full, original.uid, original.gid);
  }
  return true;
}

/** Directory rootfs: notes which mount points are missing now; `remove` deletes the empty ones later. */
export function recordMissingMountpoints(spec: SandboxSpec): { remove(): void } {
  if (spec.rootfs.kind !== 'directory') return { remove: () => undefined };
  const root = spec.rootfs.path;
  const chains: string[][] = [];
  for (const point of mountPoints(spec)) {
    const chain: string[] = [];
    for (let p = point.path; p !== '/' && !existsInAny([root], p); p = parentOf(p)) chain.push(p);
    if (chain.length > 0) chains.push(chain);
  }
  return { remove: () => chains.forEach((chain) => removeChain(root, chain)) };
}

/** Removes each path of the chain (leaf first) while it is an empty file or directory. */
function removeChain(root: string, chain: string[]): void {
  for (const path of chain) {
    const full = join(root, path);
    const st = statOrUndefined(full);
    if (st?.isDirectory() && readdirSync(full).length === 0) rmdirSync(full);
    else if (st?.isFile() && st.size === 0) unlinkSync(full);
    else if (st) return;
  }
}

function existsInAny(layers: string[], path: string): boolean {
  return layers.some((dir) => statOrUndefined(join(dir, path)) !== undefined);
}

function statOrUndefined(path: string, follow = false): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return undefined;
  }
}

function normalise(path: string): string {
  return `/${path.split('/').filter((p) => p !== '' && p !== '.').join('/')}`;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

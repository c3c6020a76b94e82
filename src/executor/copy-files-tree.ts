// Copies one source entry (file, symlink, device or whole directory) into a rootfs with COPY's metadata rules.
import {
  chmodSync, constants, copyFileSync, linkSync, lstatSync, lutimesSync, mkdirSync, readdirSync, readlinkSync,
  readFileSync, rmSync, symlinkSync, writeFileSync, type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import { lchownInNamespace } from '../fs/index.js';
import type { Owner } from './chown-lookup.js';
import type { ModeChange } from './copy-files-chmod.js';
import type { ExcludeMatcher } from './copy-files-exclude.js';
import { makeNode } from '../oci/index.js';

export interface TreeCopyRules {
  /** Owner of everything copied; undefined keeps the source's owner (COPY --from without --chown). */
  owner: Owner | undefined;
  chmod: ModeChange | undefined;
  exclude: ExcludeMatcher;
  /** Host paths that may be copied (e.g. not .dockerignore'd); undefined = everything. */
  include?: (hostPath: string) => boolean;
  /**
   * Whether a target was seeded from the previous run of the step (seed-upper.ts): such a file is
   * kept when identical to what the copy would write (it is a hard link of that snapshot's, so it
   * is replaced, never modified, when it differs).
   */
  seeded?: (target: string) => boolean;
}

export class TreeCopier {
  /** Source inode -> first target, so hardlinked sources stay hardlinked. */
  private readonly inodes = new Map<string, string>();
  copied = 0;

  constructor(private readonly rules: TreeCopyRules) {}

  /**
   * Copies `source` to `target`. `excludeRel` names the source for --exclude matching. For a directory,
   * `contentsOnly` merges its children into an existing `target` without touching target's metadata.
   */
  copy(source: string, target: string, excludeRel: string, contentsOnly = false): void {
    const stats = lstatSync(source);
    if (stats.isDirectory()) return this.copyDirectory(source, target, excludeRel, stats, contentsOnly);
    const existing = lstatOrUndefined(target);
    if (existing?.isDirectory()) throw new TsbuildError('STORE', `cannot replace directory ${target} with a file`);
    if (existing && this.keepsSeeded(source, target, stats, existing)) {
      this.copied++;
      return;
    }
    if (existing) rmSync(target, { force: true });
    this.createNonDirectory(source, target, stats);
    this.copied++;
  }

  private copyDirectory(source: string, target: string, rel: string, stats: Stats, contentsOnly: boolean): void {
    const existing = lstatOrUndefined(target);
    if (existing && !existing.isDirectory()) {
      throw new TsbuildError('STORE', `cannot copy directory onto non-directory ${target}`);
    }
    if (!existing) mkdirSync(target);
    for (const name of readdirSync(source).sort()) {
      const childRel = rel === '' || rel === '.' ? name : `${rel}/${name}`;
      const childSource = join(source, name);
      if (this.rules.include && !this.rules.include(childSource)) continue;
      if (this.rules.exclude.excludes(childRel)) {
        if (!lstatSync(childSource).isDirectory() || !this.rules.exclude.mayIncludeBelow(childRel)) continue;
      }
      this.copy(childSource, join(target, name), childRel);
    }
    if (!existing || !contentsOnly) {
      this.applyMetadata(target, stats, true);
      this.copied++;
    }
  }

  /** A seeded regular file with the content and metadata the copy would give it stays as it is. */
  private keepsSeeded(source: string, target: string, stats: Stats, existing: Stats): boolean {
    if (!stats.isFile() || !existing.isFile() || stats.size !== existing.size || stats.size >= SMALL_FILE) return false;
    if (stats.nlink > 1 || this.rules.seeded?.(target) !== true) return false;
    const owner = this.rules.owner ?? { uid: stats.uid, gid: stats.gid };
    const mode = this.rules.chmod ? this.rules.chmod(stats.mode & 0o7777, false) : stats.mode & 0o7777;
    if (existing.uid !== owner.uid || existing.gid !== owner.gid || (existing.mode & 0o7777) !== mode) return false;
    if (existing.mtime.getTime() !== stats.mtime.getTime()) return false;
    return readFileSync(source).equals(readFileSync(target));
  }

  private createNonDirectory(source: string, target: string, stats: Stats): void {
    const inodeKey = `${stats.dev}:${stats.ino}`;
    const firstCopy = stats.nlink > 1 ? this.inodes.get(inodeKey) : undefined;
    if (firstCopy) return linkSync(firstCopy, target);
    if (stats.isFile()) {
      copyRegularFile(source, target, stats);
      if (stats.nlink > 1) this.inodes.set(inodeKey, target);
    } else if (stats.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (stats.isCharacterDevice() || stats.isBlockDevice()) {
      const [major, minor] = deviceNumbers(stats.rdev);
      makeNode(target, stats.isCharacterDevice() ? 'char' : 'block', major, minor);
    } else if (stats.isFIFO()) makeNode(target, 'fifo');
    else if (stats.isSocket()) writeFileSync(target, ''); // an empty regular file, as in BuildKit
    else throw new TsbuildError('STORE', `cannot copy ${source}: sockets and unknown file types are not supported`);
    this.applyMetadata(target, stats, false);
  }

  private applyMetadata(target: string, stats: Stats, isDirectory: boolean): void {
    const owner = this.rules.owner ?? { uid: stats.uid, gid: stats.gid };
    lchownInNamespace(target, owner.uid, owner.gid);
    if (!stats.isSymbolicLink()) {
      const mode = this.rules.chmod ? this.rules.chmod(stats.mode & 0o7777, isDirectory) : stats.mode & 0o7777;
      chmodSync(target, mode);
    }
    lutimesSync(target, stats.atime, stats.mtime);
  }
}

/** Small files copied by read+write: measured 2x faster than copyFileSync into an overlay. */
const SMALL_FILE = 1 << 20;

function copyRegularFile(source: string, target: string, stats: Stats): void {
  if (stats.size >= SMALL_FILE) return copyFileSync(source, target, constants.COPYFILE_FICLONE);
  writeFileSync(target, readFileSync(source), { mode: 0o600, flag: 'wx' });
}

/** Linux's dev_t split (glibc gnu_dev_major/minor) for numbers that fit a JS bitwise int. */
function deviceNumbers(rdev: number): [number, number] {
  return [(rdev >> 8) & 0xfff, (rdev & 0xff) | ((rdev >> 12) & 0xfff00)];
}

export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

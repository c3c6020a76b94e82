// COPY/ADD into a rootfs: Docker's destination rules, parent creation, --chown/--chmod/--exclude/--parents.
import { chmodSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';
import { TsbuildError } from '../errors.js';
import { lchownInNamespace } from '../fs/index.js';
import type { Owner } from './chown-lookup.js';
import { parseChmod } from './copy-files-chmod.js';
import { ExcludeMatcher } from './copy-files-exclude.js';
import { lstatOrUndefined, TreeCopier } from './copy-files-tree.js';
import { cleanEntryName, resolveInRoot } from '../oci/index.js';

/** One selected source: a path under a source root (build context, another stage, ...) or a heredoc. */
export type CopySource =
  | {
      kind: 'path';
      /** Host directory the source was selected from; a symlinked source is followed inside it. */
      root: string;
      /** Path relative to `root` as selected (`src/a.txt`, `.`); kept under dest with --parents. */
      relPath: string;
      /** With --parents: leading components of relPath not kept (those before a `/./` pivot). */
      pivotDepth?: number;
    }
  | { kind: 'inline'; name: string; content: string | Uint8Array };

export interface CopyFilesOptions {
  /** Host directory that is `/` of the destination (a mounted overlay rootfs or a copied tree). */
  rootfs: string;
  sources: readonly CopySource[];
  /** Absolute in-image path, WORKDIR already applied; a trailing `/` means "a directory". */
  dest: string;
  /** Treat dest as a directory even with one source (a wildcard was used). */
  destIsDir?: boolean;
  /** Resolved --chown; without it context copies are 0:0. */
  chown?: Owner;
  /** Keep the source's owners when no --chown is given (COPY --from). */
  preserveOwnership?: boolean;
  /** --chmod, octal or symbolic. */
  chmod?: string;
  exclude?: readonly string[];
  parents?: boolean;
  /** Host paths that may be copied from directory sources (the .dockerignore'd are not). */
  include?: (hostPath: string) => boolean;
  /** The rootfs's upper dir when it was seeded from the step's previous run (TreeCopyRules.seeded). */
  seededUpper?: string;
  /** mtime of heredoc files (SOURCE_DATE_EPOCH); now by default. */
  inlineMtime?: Date;
}

export interface CopyFilesResult {
  /** Entries written (files, links and directories). */
  copied: number;
}

/**
 * Applies one COPY. Following BuildKit: missing parents of the destination are created 0755 and owned
 * by the --chown owner (root without it); symlinks in the destination resolve inside the rootfs;
 * source mtimes are kept; a directory source copies its contents.
 */
export function copyFiles(options: CopyFilesOptions): CopyFilesResult {
  const owner = options.chown ?? (options.preserveOwnership ? undefined : { uid: 0, gid: 0 });
  const chmod = options.chmod === undefined ? undefined : parseChmod(options.chmod);
  const exclude = new ExcludeMatcher(options.exclude ?? []);
  const seeded = options.seededUpper === undefined ? undefined : seededIn(options.rootfs, options.seededUpper);
  const copier = new TreeCopier({ owner, chmod, exclude, include: options.include, seeded });
  const destRel = cleanEntryName(options.dest);
  const destIsDir = options.dest.endsWith('/') || options.sources.length > 1 || options.destIsDir === true;
  // BuildKit (testCopyChmod) creates missing parents with an octal --chmod's mode, 0755 otherwise.
  const octalChmod = options.chmod !== undefined && /^[0-7]+$/.test(options.chmod) ? parseInt(options.chmod, 8) : undefined;
  const parentOwner: ParentDirs = { ...(options.chown ?? { uid: 0, gid: 0 }), mode: octalChmod };
  let written = 0;
  // BuildKit creates the destination of --parents even when its wildcards matched nothing.
  if (options.parents) ensureDirectory(options.rootfs, destRel, parentOwner);
  for (const source of options.sources) {
    if (source.kind === 'inline') {
      const target = targetFor(options.rootfs, destRel, source.name, destIsDir, parentOwner);
      writeInline(target, source.content, owner ?? { uid: 0, gid: 0 }, options);
      written++;
      continue;
    }
    const relPath = cleanEntryName(source.relPath);
    if (relPath !== '' && exclude.excludes(relPath)) {
      // BuildKit still creates a directory destination when --exclude leaves nothing to copy.
      if (destIsDir) ensureDirectory(options.rootfs, destRel, parentOwner);
      continue;
    }
    const hostSource = resolveInRoot(source.root, relPath, true);
    const stats = lstatOrUndefined(hostSource);
    if (!stats) throw new TsbuildError('NOT_FOUND', `COPY source ${source.relPath} not found`);
    const kept = relPath.split('/').slice(source.pivotDepth ?? 0).join('/');
    if (options.parents && kept !== '') {
      const target = ensureParents(options.rootfs, posix.join(destRel, kept), parentOwner);
      copier.copy(hostSource, target, relPath, stats.isDirectory());
    } else if (stats.isDirectory()) {
      const target = ensureDirectory(options.rootfs, destRel, parentOwner);
      copier.copy(hostSource, target, '', true);
    } else {
      copier.copy(hostSource, targetFor(options.rootfs, destRel, posix.basename(relPath), destIsDir, parentOwner), relPath);
    }
  }
  return { copied: copier.copied + written };
}

/** Whether a rootfs path (host) is a regular file in the upper dir, i.e. seeded, not a lower's. */
function seededIn(rootfs: string, upper: string): (target: string) => boolean {
  return (target) => target.startsWith(`${rootfs}/`) && lstatOrUndefined(posix.join(upper, target.slice(rootfs.length)))?.isFile() === true;
}

/** Owner (and mode, 0755 unless set) of the directories a copy creates. */
type ParentDirs = Owner & { mode?: number };

/** Where a non-directory source lands: into dest when dest is (or must be) a directory, else at dest. */
function targetFor(rootfs: string, destRel: string, name: string, destIsDir: boolean, owner: ParentDirs): string {
  const existing = lstatOrUndefined(resolveInRoot(rootfs, destRel, true));
  if (destIsDir || existing?.isDirectory()) return posix.join(ensureDirectory(rootfs, destRel, owner), name);
  return ensureParents(rootfs, destRel, owner);
}

/** Creates `rel`'s missing parents; returns the host path of `rel`, a symlink there followed like BuildKit does. */
function ensureParents(rootfs: string, rel: string, owner: ParentDirs): string {
  const parent = posix.dirname(rel);
  const parentHost = parent === '.' ? rootfs : ensureDirectory(rootfs, parent, owner);
  return resolveInRoot(rootfs, posix.join(parentHost.slice(rootfs.length), posix.basename(rel)), true);
}

/** mkdir -p of an absolute in-image directory; returns its host path. */
export function ensureDestinationDir(rootfs: string, dest: string, owner: Owner = { uid: 0, gid: 0 }): string {
  return ensureDirectory(rootfs, cleanEntryName(dest), owner);
}

/** mkdir -p inside the rootfs: each missing component is created 0755 and given `owner`. */
function ensureDirectory(rootfs: string, rel: string, owner: ParentDirs): string {
  if (rel === '' || rel === '.') return rootfs;
  const parentHost = ensureDirectory(rootfs, posix.dirname(rel), owner);
  const host = resolveInRoot(rootfs, posix.join(parentHost.slice(rootfs.length), posix.basename(rel)), true);
  const existing = lstatOrUndefined(host);
  if (existing?.isDirectory()) return host;
  if (existing) throw new TsbuildError('STORE', `cannot create directory /${rel}: a file is in the way`);
  // A dangling symlink on the way: its target (inside the rootfs) is created, parents included.
  const hostParent = posix.dirname(host);
  if (hostParent !== parentHost) ensureDirectory(rootfs, hostParent.slice(rootfs.length + 1), owner);
  mkdirSync(host, { mode: 0o755 });
  chmodSync(host, owner.mode ?? 0o755);
  lchownInNamespace(host, owner.uid, owner.gid);
  return host;
}

function writeInline(target: string, content: string | Uint8Array, owner: Owner, options: CopyFilesOptions): void {
  const existing = lstatOrUndefined(target);
  if (existing?.isDirectory()) throw new TsbuildError('STORE', `cannot replace directory ${target} with a file`);
  if (existing) rmSync(target); // never write through a symlink that might point out of the rootfs
  writeFileSync(target, content, { mode: 0o644 });
  lchownInNamespace(target, owner.uid, owner.gid);
  chmodSync(target, options.chmod === undefined ? 0o644 : parseChmod(options.chmod)(0o644, false));
  const mtime = options.inlineMtime ?? new Date();
  utimesSync(target, mtime, mtime);
}

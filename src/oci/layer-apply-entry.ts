// Writes one tar entry of a layer into a directory: files, links, devices, metadata and whiteouts.
import {
  chmodSync, closeSync, linkSync, lstatSync, lutimesSync, mkdirSync, openSync, readdirSync, rmSync,
  symlinkSync, writeSync, type Stats,
} from 'node:fs';
import { posix } from 'node:path';
import type { Header } from 'tar-stream';
import { TsbuildError } from '../errors.js';
import { inUserNamespace, lchownInNamespace, opaqueXattr } from '../fs/index.js';
import { cleanEntryName, resolveInRoot, resolveParentInRoot } from '../oci/layer-apply-rootpath.js';
import { makeNode, setXattr } from '../oci/layer-apply-special.js';
import { OPAQUE_WHITEOUT, WHITEOUT_PREFIX } from '../spec/index.js';

/**
 * How whiteouts are treated. `overlay`: the directory becomes an overlayfs lowerdir, so whiteouts
 * turn into overlay's own markers. `flat`: the layer lands on a full rootfs, so whiteouts delete.
 * `plain`: an ordinary archive (ADD), `.wh.` names are just files.
 */
export type ApplyMode = 'overlay' | 'flat' | 'plain';

export interface EntryWriterOptions {
  mode: ApplyMode;
  /** Overrides every entry's owner (ADD --chown). */
  owner?: { uid: number; gid: number };
  /** Told about xattrs that could not be kept (binary values, unsupported namespaces). */
  onWarning?: (message: string) => void;
}

type PaxHeaders = Omit<Header, 'pax'> & { pax?: Record<string, string> | null };

/** One entry of tar-stream's extractor: its header and its content. */
export interface TarEntry extends AsyncIterable<Buffer> {
  header: Header;
  resume(): unknown;
}


export class EntryWriter {
  /** Paths written by this layer and their ancestors, so an opaque marker spares them. */
  private readonly written = new Set<string>();
  private readonly dirTimes: Array<[string, Date]> = [];
  entries = 0;

  constructor(
    private readonly root: string,
    private readonly options: EntryWriterOptions,
  ) {}

  async write(entry: TarEntry): Promise<void> {
    const header = entry.header as PaxHeaders;
    const rel = cleanEntryName(header.name);
    this.entries++;
    const base = posix.basename(rel);
    if (this.options.mode !== 'plain' && base.startsWith(WHITEOUT_PREFIX)) {
      entry.resume();
      this.whiteout(rel, base);
      return;
    }
    if (this.skipsDevice(header, rel)) {
      entry.resume();
      return;
    }
    const target = rel === '' ? this.root : resolveParentInRoot(this.root, rel);
    if (rel !== '') mkdirSync(posix.dirname(target), { recursive: true, mode: 0o755 });
    await this.create(target, header, entry);
    this.markWritten(rel);
    if (header.type !== 'directory' && header.type !== 'file' && header.type !== 'contiguous-file') entry.resume();
    this.applyMetadata(target, header);
  }

  /**
   * A user namespace may create no device node but overlay's 0/0 whiteout: rootless, a layer's
   * devices are left out with a warning (as BuildKit rootless and Podman do), not a failed build.
   */
  private skipsDevice(header: PaxHeaders, rel: string): boolean {
    if (header.type !== 'character-device' && header.type !== 'block-device') return false;
    const whiteoutLike = header.type === 'character-device' && !header.devmajor && !header.devminor;
    if (whiteoutLike || !inUserNamespace()) return false;
    this.options.onWarning?.(`device node /${rel} (${header.devmajor ?? 0}:${header.devminor ?? 0}) left out: rootless tsbuild cannot create device nodes`);
    return true;
  }

  /** Sets directory mtimes last: writing their children changed them. */
  finish(): void {
    for (const [path, mtime] of this.dirTimes.reverse()) lutimesSync(path, mtime, mtime);
  }

  private async create(target: string, header: PaxHeaders, entry: TarEntry): Promise<void> {
    const type = header.type;
    switch (type) {
      case 'directory':
        return ensureDirectory(target);
      case 'file':
      case 'contiguous-file':
        removeExisting(target);
        return writeFileFromEntry(target, entry);
      case 'symlink':
        removeExisting(target);
        return symlinkSync(header.linkname ?? '', target);
      case 'link':
        return this.hardlink(target, header);
      case 'character-device':
      case 'block-device':
        removeExisting(target);
        return makeNode(target, type === 'block-device' ? 'block' : 'char', header.devmajor ?? 0, header.devminor ?? 0);
      case 'fifo':
        removeExisting(target);
        return makeNode(target, 'fifo');
      default: {
        const unreachable: never = type;
        throw new TsbuildError('STORE', `unsupported tar entry type ${String(unreachable)} for "${header.name}"`);
      }
    }
  }

  private hardlink(target: string, header: PaxHeaders): void {
    const linkRel = cleanEntryName(header.linkname ?? '');
    const source = resolveParentInRoot(this.root, linkRel);
    if (!exists(source)) {
      const message = `hardlink "${header.name}" points to "${header.linkname}", which is not in this layer`;
      throw new TsbuildError('STORE', message);
    }
    removeExisting(target);
    linkSync(source, target);
  }

  private applyMetadata(target: string, header: PaxHeaders): void {
    if (header.type === 'link') return; // shares the inode, and so the metadata, of its target
    const uid = this.options.owner?.uid ?? header.uid ?? 0;
    const gid = this.options.owner?.gid ?? header.gid ?? 0;
    lchownInNamespace(target, uid, gid);
    if (header.type !== 'symlink') chmodSync(target, (header.mode ?? 0o644) & 0o7777);
    for (const [key, value] of Object.entries(header.pax ?? {})) {
      if (key.startsWith('SCHILY.xattr.')) this.setEntryXattr(target, key.slice('SCHILY.xattr.'.length), value);
    }
    const mtime = header.mtime ?? new Date(0);
    if (header.type === 'directory') this.dirTimes.push([target, mtime]);
    else lutimesSync(target, mtime, mtime);
  }

  /**
   * tar-stream decodes PAX values as UTF-8, so a binary value (some security.capability sets) arrives
   * damaged: it is skipped with a warning rather than written wrong. Namespaces the file system
   * refuses are skipped the same way, as containerd does.
   */
  private setEntryXattr(target: string, name: string, value: string): void {
    if (/^(trusted|user)\.overlay\./.test(name)) {
      // overlayfs's own metadata (opaque, redirect, origin) would reshape the mounted tree.
      this.options.onWarning?.(`xattr ${name} of ${target} is overlayfs metadata; skipped`);
      return;
    }
    if (value.includes('\uFFFD')) {
      this.options.onWarning?.(`xattr ${name} of ${target} has a binary value that cannot be restored; skipped`);
      return;
    }
    try {
      setXattr(target, name, Buffer.from(value, 'utf8'));
    } catch (error) {
      if (/is needed/.test((error as Error).message)) throw error; // setfattr itself is missing
      this.options.onWarning?.(`xattr ${name} of ${target} not set: ${(error as Error).message}`);
    }
  }

  private whiteout(rel: string, base: string): void {
    const parentRel = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    const parent = parentRel === '' ? this.root : resolveInRoot(this.root, parentRel, true);
    if (base === OPAQUE_WHITEOUT) return this.opaque(parent, parentRel);
    if (base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) return; // other aufs metadata
    const hiddenName = base.slice(WHITEOUT_PREFIX.length);
    // `.wh.`, `.wh..`, `.wh...` would hide the directory itself or its parent (containerd refuses them too).
    if (hiddenName === '' || hiddenName === '.' || hiddenName === '..') {
      throw new TsbuildError('STORE', `invalid whiteout name in layer: "${rel}"`);
    }
    const hidden = posix.join(parent, hiddenName);
    removeExisting(hidden);
    if (this.options.mode === 'overlay') {
      mkdirSync(parent, { recursive: true });
      makeNode(hidden, 'char', 0, 0);
    }
  }

  private opaque(dir: string, dirRel: string): void {
    if (this.options.mode === 'overlay') {
      mkdirSync(dir, { recursive: true });
      setXattr(dir, opaqueXattr(), Buffer.from('y'));
      return;
    }
    if (!exists(dir)) return;
    for (const child of readdirSync(dir)) {
      const childRel = dirRel === '' ? child : `${dirRel}/${child}`;
      if (!this.written.has(childRel)) rmSync(posix.join(dir, child), { recursive: true, force: true });
    }
  }

  private markWritten(rel: string): void {
    for (let path = rel; path !== '' && path !== '.'; path = posix.dirname(path)) {
      if (this.written.has(path)) break;
      this.written.add(path);
    }
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function exists(path: string): boolean {
  return lstatOrUndefined(path) !== undefined;
}

function removeExisting(path: string): void {
  if (exists(path)) rmSync(path, { recursive: true, force: true });
}

function ensureDirectory(path: string): void {
  const stats = lstatOrUndefined(path);
  if (stats?.isDirectory()) return;
  if (stats) rmSync(path, { recursive: true, force: true });
  mkdirSync(path);
}

async function writeFileFromEntry(path: string, entry: TarEntry): Promise<void> {
  const fd = openSync(path, 'w', 0o600);
  try {
    for await (const chunk of entry) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

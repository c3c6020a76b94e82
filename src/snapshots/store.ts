// Snapshot store: layers unpacked once per chain ID under <root>/snapshots, and rootfs views over them.
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { TsbuildError } from '../errors.js';
import { chainIds, digestHex, applyLayer } from '../oci/index.js';
import { isLeftover, ownerToken } from '../fs/index.js';
import type { Digest } from '../oci/index.js';
import { parseJsonObject } from '../spec/index.js';
import { prepareCopiedRootfs, diffCopiedRootfs } from '../snapshots/prepare-copy.js';
import { prepareOverlayRootfs, removeView } from '../snapshots/prepare-overlay.js';
import type { PreparedRootfs } from '../snapshots/prepared.js';
import { canMountOverlay } from '../snapshots/overlay.js';

export type { PreparedRootfs } from '../snapshots/prepared.js';
export { chainIds };

/** The chain ID of the whole stack (of its top layer). */
export function chainId(diffIds: readonly Digest[]): Digest {
  const top = chainIds(diffIds).at(-1);
  if (top === undefined) throw new RangeError('chainId needs at least one diffID');
  return top;
}

export interface SnapshotStoreOptions {
  /** Told once when overlayfs cannot be used and rootfs views are copied instead. */
  onWarning?: (message: string) => void;
  /** Always use the copy fallback (tests, file systems overlayfs cannot sit on). */
  forceCopy?: boolean;
}

export interface PrepareOptions {
  writable: boolean;
  /**
   * A writable overlay view starts with this snapshot dir's tree in its upper dir, linked
   * (seed-upper.ts); `seeded` on the result says whether it was taken.
   */
  seed?: string;
}

export class SnapshotStore {
  readonly dir: string;
  private warned = false;
  private readonly unpacking = new Map<Digest, Promise<string>>();
  /** Snapshot dirs already found complete and from this boot. */
  private readonly current = new Set<string>();

  constructor(root: string, private readonly options: SnapshotStoreOptions = {}) {
    this.dir = join(root, 'snapshots');
    mkdirSync(this.dir, { recursive: true });
  }

  /** The unpacked directory of a layer (overlay format: whiteouts as 0/0 char devices). */
  layerPath(chainId: Digest): string {
    return join(this.dir, digestHex(chainId), 'fs');
  }

  /**
   * Snapshots are a cache of the (fsynced) layer blobs, written without fsync and, for adopted
   * upper dirs, under `volatile` overlays: one made before the last reboot may have lost data
   * in a crash, so it no longer counts (it is removed and unpacked again from its blob).
   */
  has(chainId: Digest): boolean {
    const dir = join(this.dir, digestHex(chainId));
    // Every step checks every layer below it: read each snapshot's meta.json once per process.
    if (this.current.has(dir)) return existsSync(dir);
    let meta: Record<string, unknown>;
    try {
      meta = parseJsonObject(readFileSync(join(dir, 'meta.json')), { where: `snapshot ${dir}` }, 'snapshot meta');
    } catch {
      return false;
    }
    if (meta['bootId'] === undefined || meta['bootId'] === bootId()) {
      this.current.add(dir);
      return true;
    }
    const stale = this.scratchPath('stale');
    try {
      renameSync(dir, stale);
      rmSync(stale, { recursive: true, force: true });
    } catch {
      // another process removed it first
    }
    return false;
  }

  /**
   * Unpacks the layer once. It is written to a temp dir and renamed into place only after its diffID
   * checked out, so a crash or a bad blob never leaves a snapshot that looks complete; when two
   * processes race, the second rename fails and its copy is dropped.
   */
  ensureLayer(chainId: Digest, diffId: Digest, open: () => Readable | Promise<Readable>): Promise<string> {
    if (this.has(chainId)) return Promise.resolve(this.layerPath(chainId));
    // Steps running in parallel on the same base unpack it once.
    let pending = this.unpacking.get(chainId);
    if (!pending) {
      pending = this.unpack(chainId, diffId, open).finally(() => this.unpacking.delete(chainId));
      this.unpacking.set(chainId, pending);
    }
    return pending;
  }

  private async unpack(chainId: Digest, diffId: Digest, open: () => Readable | Promise<Readable>): Promise<string> {
    const hex = digestHex(chainId);
    const temp = this.scratchPath(hex.slice(0, 16));
    try {
      const result = await applyLayer(join(temp, 'fs'), await open(), {
        mode: 'overlay',
        expectedDiffId: diffId,
        onWarning: this.options.onWarning,
      });
      writeFileSync(join(temp, 'meta.json'), `${JSON.stringify({ chainId, diffId, size: result.size, bootId: bootId() })}\n`);
      renameSync(temp, join(this.dir, hex));
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && this.has(chainId)) return this.layerPath(chainId);
      throw error;
    }
    return this.layerPath(chainId);
  }

  /**
   * A rootfs view of the layers `chainIds` (bottom first): an overlay mount of their snapshots, or a
   * copied tree where overlayfs cannot be mounted. Call `cleanup()` when done.
   */
  prepareRootfs(chainIds: readonly Digest[], options: PrepareOptions): PreparedRootfs {
    const missing = chainIds.find((id) => !this.has(id));
    if (missing) throw new TsbuildError('NOT_FOUND', `snapshot ${missing} is not unpacked (call ensureLayer first)`);
    const lowerdirs = chainIds.map((id) => this.layerPath(id));
    const base = join(this.dir, 'active', `${Date.now().toString(36)}-${ownerToken()}-${randomBytes(4).toString('hex')}`);
    mkdirSync(base, { recursive: true });
    if (!this.options.forceCopy && canMountOverlay(join(this.dir, 'active'))) {
      return prepareOverlayRootfs(base, lowerdirs, options.writable, options.seed);
    }
    this.warnOnce();
    return prepareCopiedRootfs(base, lowerdirs, options.writable);
  }

  /**
   * An upper-style directory of what changed in a writable rootfs: for overlay the upper dir itself;
   * for a copy, a diff dir built by comparing trees. Whiteouts are 0/0 char devices either way.
   */
  diffRootfs(prepared: PreparedRootfs): string {
    switch (prepared.kind) {
      case 'overlay':
        if (!prepared.upperdir) throw new RangeError('diffRootfs needs a writable rootfs');
        return prepared.upperdir;
      case 'copy':
        return diffCopiedRootfs(prepared);
      default: {
        const unreachable: never = prepared.kind;
        throw new Error(`unknown rootfs kind ${String(unreachable)}`);
      }
    }
  }

  /**
   * Takes a finished overlay upper dir (unmounted, not used again) as the snapshot of `chainId`,
   * instead of unpacking the layer just written from it: the upper dir already is that layer in
   * snapshot form (whiteouts as 0/0 devices, opaque xattrs). Renamed into place like ensureLayer.
   */
  adoptUpperDir(chainId: Digest, diffId: Digest, upperdir: string): void {
    if (this.has(chainId)) return;
    const hex = digestHex(chainId);
    const temp = this.scratchPath(hex.slice(0, 16));
    mkdirSync(temp);
    try {
      renameSync(upperdir, join(temp, 'fs'));
      writeFileSync(join(temp, 'meta.json'), `${JSON.stringify({ chainId, diffId, adopted: true, bootId: bootId() })}\n`);
      renameSync(temp, join(this.dir, hex));
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && this.has(chainId)) return;
      throw error;
    }
  }

  /** A scratch dir path under the snapshot dir, named for its owner so that a sweep finds it. */
  scratchPath(kind: string): string {
    return join(this.dir, `tmp-${kind}-${ownerToken()}-${randomBytes(4).toString('hex')}`);
  }

  /**
   * Removes what crashed processes left: unpack temp dirs and rootfs views (unmounted first) whose
   * owning process is gone (owner tokens, see owner.ts). Safe while other tsbuild processes work on
   * the same root: a live owner's entries are never touched.
   */
  sweep(): { removed: string[] } {
    const removed: string[] = [];
    const candidates = [
      ...readdirSync(this.dir).filter((name) => name.startsWith('tmp-')).map((name) => join(this.dir, name)),
      ...listDir(join(this.dir, 'active')).map((name) => join(this.dir, 'active', name)),
    ];
    for (const path of candidates) {
      if (!isLeftover(basename(path), ageMs(path))) continue;
      removeView(path);
      removed.push(path);
    }
    return { removed };
  }

  private warnOnce(): void {
    if (this.warned || this.options.forceCopy) return;
    this.warned = true;
    this.options.onWarning?.('overlayfs cannot be mounted here: rootfs views are copied instead (slower, more disk)');
  }
}

function listDir(path: string): string[] {
  return existsSync(path) ? readdirSync(path) : [];
}

/** Time since the last change of an entry; 0 when it is already gone. */
export function ageMs(path: string): number {
  try {
    return Date.now() - lstatSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

let currentBootId: string | undefined;

/** Changes at every boot of the kernel. */
function bootId(): string {
  currentBootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return currentBootId;
}

// The on-disk root of tsbuild ($TSBUILD_ROOT): where blobs, image names, snapshots and cache live.
import { chmod, mkdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Paths inside a tsbuild root. */
export interface RootLayout {
  root: string;
  /** Blobs by digest: `blobs/sha256/<hex>`. */
  blobs: string;
  /** Image name index (`images/index.json`) and its lock. */
  images: string;
  /** Temp files; on the same filesystem as `blobs` so that rename is atomic. */
  tmp: string;
  /** Unpacked layers keyed by chain ID (used by the executor). */
  snapshots: string;
  /** Build cache records (used by the cache). */
  cache: string;
}

/** `$TSBUILD_ROOT`, else `/var/lib/tsbuild` for root, else `$XDG_DATA_HOME/tsbuild` or `~/.local/share/tsbuild`. */
export function resolveRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TSBUILD_ROOT) return env.TSBUILD_ROOT;
  if (process.getuid?.() === 0) return '/var/lib/tsbuild';
  const dataHome = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(dataHome, 'tsbuild');
}

export function rootLayout(root: string = resolveRoot()): RootLayout {
  return {
    root,
    blobs: join(root, 'blobs', 'sha256'),
    images: join(root, 'images'),
    tmp: join(root, 'tmp'),
    snapshots: join(root, 'snapshots'),
    cache: join(root, 'cache'),
  };
}

/**
 * The mode of a root dir: nobody but its owner may look inside, since layers hold files readable
 * only by root (blobs are 0644 below it). Root's store is 0710 like Docker's /var/lib/docker (its
 * group may traverse, never list), a rootless one 0700.
 */
function rootDirMode(uid = process.getuid?.()): number {
  return uid === 0 ? 0o710 : 0o700;
}

/** Creates the directories of a root (idempotent), tightens a looser root dir, returns its layout. */
export async function openRoot(root: string = resolveRoot()): Promise<RootLayout> {
  const layout = rootLayout(root);
  const mode = rootDirMode();
  await mkdir(root, { recursive: true, mode });
  await tightenMode(root, mode);
  await Promise.all([layout.blobs, layout.images, layout.tmp].map((dir) => mkdir(dir, { recursive: true })));
  return layout;
}

/** Stores made before the modes were set (0755) are closed when next opened by their owner. */
async function tightenMode(dir: string, mode: number): Promise<void> {
  const info = await stat(dir);
  if ((info.mode & 0o777 & ~mode) === 0 || info.uid !== process.getuid?.()) return;
  await chmod(dir, info.mode & 0o777 & mode);
}

// A rootfs view as an overlay mount of snapshot directories.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import { mountOverlay, mountsUnder, unmount } from '../snapshots/overlay.js';
import type { PreparedRootfs } from '../snapshots/prepared.js';
import { seedUpperDir } from '../snapshots/seed-upper.js';

export function prepareOverlayRootfs(base: string, lowerdirs: readonly string[], writable: boolean, seed?: string): PreparedRootfs {
  let rootfs: string;
  let seeded = false;
  try {
    if (writable && seed !== undefined) seeded = seedUpperDir(seed, join(base, 'upper'));
    rootfs = mountOverlay({ base, lowerdirs, writable });
  } catch (error) {
    rmSync(base, { recursive: true, force: true });
    throw error;
  }
  let cleaned = false;
  return {
    kind: 'overlay',
    rootfs,
    upperdir: writable ? join(base, 'upper') : undefined,
    workdir: writable ? join(base, 'work') : undefined,
    lowerCopy: undefined,
    base,
    seeded,
    cleanup() {
      if (cleaned) return;
      removeView(base);
      cleaned = true;
    },
  };
}

/** Unmounts everything under `base` (deepest first), then deletes it; never deletes through a mount. */
export function removeView(base: string): void {
  for (const point of mountsUnder(base).sort().reverse()) unmount(point);
  const left = mountsUnder(base);
  if (left.length > 0) throw new TsbuildError('STORE', `still mounted, not removing ${base}: ${left.join(', ')}`);
  rmSync(base, { recursive: true, force: true });
}

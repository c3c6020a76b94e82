// Resolves a container path inside a rootfs directory on the host, following the image's symlinks
// as the container would see them, so that an image symlink can never lead to a host file.
import { lstatSync } from 'node:fs';
import { resolveInRoot as resolveRooted } from '../fs/index.js';

/**
 * The host path of `path` inside `root` with every symlink resolved relative to `root` (absolute
 * targets restart at `root`, `..` stops at it), or undefined when it does not exist (or loops).
 */
export function resolveInRoot(root: string, path: string): string | undefined {
  try {
    const resolved = resolveRooted(root, path, true);
    lstatSync(resolved);
    return resolved;
  } catch {
    return undefined;
  }
}

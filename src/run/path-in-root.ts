// Resolves a container path inside a rootfs directory on the host, following the image's symlinks
// as the container would see them, so that an image symlink can never lead to a host file.
import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

const MAX_SYMLINKS = 40;

/**
 * The host path of `path` inside `root` with every symlink resolved relative to `root` (absolute
 * targets restart at `root`, `..` stops at it), or undefined when a component does not exist.
 */
export function resolveInRoot(root: string, path: string): string | undefined {
  const pending = path.split('/').filter(Boolean);
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const host = join(root, ...resolved, part);
    let isLink: boolean;
    try {
      isLink = lstatSync(host).isSymbolicLink();
    } catch {
      return undefined;
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_SYMLINKS) return undefined;
    const target = readlinkSync(host);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/').filter(Boolean));
  }
  return join(root, ...resolved);
}

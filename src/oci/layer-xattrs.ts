// Reads extended attributes of a whole tree with one tsbuild-fsutil run (Node has no getxattr
// binding): the xattrs worth keeping in a layer, and overlayfs opaque-dir markers.
import { dumpTreeXattrs } from '../fs/index.js';

/** Kept in layers, like BuildKit: file capabilities and user namespace attributes. */
const KEPT_XATTRS = /^(security\.capability|user\.(?!overlay\.).+)$/;
const OPAQUE_XATTRS = new Set(['trusted.overlay.opaque', 'user.overlay.opaque']);

export interface TreeXattrs {
  /** Archive path -> attributes to write as PAX `SCHILY.xattr.*` records. */
  xattrs: Map<string, Record<string, Buffer>>;
  /** Archive paths of directories marked opaque by overlayfs. */
  opaqueDirs: Set<string>;
}

export async function readTreeXattrs(root: string): Promise<TreeXattrs> {
  const result: TreeXattrs = { xattrs: new Map(), opaqueDirs: new Set() };
  for (const [path, attributes] of await dumpTreeXattrs(root)) {
    for (const [key, value] of attributes) {
      if (OPAQUE_XATTRS.has(key) && value.toString() === 'y') result.opaqueDirs.add(path);
      else if (KEPT_XATTRS.test(key) && path !== '') {
        result.xattrs.set(path, { ...result.xattrs.get(path), [key]: value });
      }
    }
  }
  return result;
}

// File system calls Node has no API for (mknod, xattrs), made through tsbuild's native helper.
import { dumpTreeXattrsSync } from '../fs/index.js';

export { makeNode, removeXattr, setXattr, type SpecialNodeKind } from '../fs/index.js';

/**
 * Lists the paths under `dir` (recursively, not following symlinks) that carry attribute `name`,
 * with its value, in one helper run.
 */
export function findXattr(dir: string, name: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const [path, attributes] of dumpTreeXattrsSync(dir)) {
    const value = attributes.get(name);
    if (value !== undefined) found.set(path === '' ? dir : `${dir}/${path}`, value.toString());
  }
  return found;
}

// Names for temp files written beside their destination and renamed into place. The pid alone
// is not unique: two writers in one process (two platforms exporting a shared layer) collide.
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** `<dir>/.<name>.<pid>.<random>.tmp`: beside `path` (same file system, so rename is atomic). */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

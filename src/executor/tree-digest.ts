// What a step reads of another stage's result, as content (BuildKit's content-based cache keys):
// one sha256 over each selected path and everything below it, with type, mode, owner, content
// digest or link target. Timestamps are left out, so a stage that reruns and writes the same files
// gives the same digest. Keys COPY --from (early cut-off) and RUN --mount=from=stage,source=sub.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { sha256OfFile } from '../context/index.js';

/** `selections` are the rootfs-relative paths the copy selected, by the pattern that chose them. */
export function treeContentDigest(root: string, selections: ReadonlyArray<{ pattern: string; paths: readonly string[] }>): string {
  const hash = createHash('sha256');
  for (const { pattern, paths } of selections) {
    hash.update(`${JSON.stringify(['pattern', pattern])}\n`);
    for (const relPath of paths) describeTree(root, relPath, (line) => hash.update(`${JSON.stringify(line)}\n`));
  }
  return `sha256:${hash.digest('hex')}`;
}

function describeTree(root: string, relPath: string, emit: (line: (string | number)[]) => void): void {
  const absPath = path.join(root, relPath);
  let info;
  try {
    info = lstatSync(absPath);
  } catch {
    emit([relPath, 'missing']);
    return;
  }
  const owner = [info.mode & 0o7777, info.uid, info.gid] as const;
  if (info.isSymbolicLink()) emit([relPath, 'symlink', ...owner, readlinkSync(absPath)]);
  else if (info.isFile()) emit([relPath, 'file', ...owner, sha256OfFile(absPath)]);
  else if (info.isDirectory()) {
    emit([relPath, 'dir', ...owner, '']);
    for (const name of readdirSync(absPath).sort()) describeTree(root, path.posix.join(relPath, name), emit);
  } else emit([relPath, 'special', ...owner, Number(info.rdev)]);
}

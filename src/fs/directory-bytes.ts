// The disk usage of a directory tree, as `du -sb` counts it.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Apparent bytes under a directory, hard links counted once (as `du -sb`), 0 when it does not exist. */
export function directoryBytes(dir: string): number {
  const seen = new Set<string>();
  let total = 0;
  const visit = (file: string): void => {
    let stats;
    try {
      stats = lstatSync(file);
    } catch {
      return; // removed meanwhile
    }
    if (stats.nlink > 1 && !stats.isDirectory()) {
      const inode = `${stats.dev}:${stats.ino}`;
      if (seen.has(inode)) return;
      seen.add(inode);
    }
    total += stats.size;
    if (!stats.isDirectory()) return;
    let names: string[] = [];
    try {
      names = readdirSync(file);
    } catch {
      return;
    }
    for (const name of names) visit(join(file, name));
  };
  visit(dir);
  return total;
}

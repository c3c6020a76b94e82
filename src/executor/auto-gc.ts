// Automatic garbage collection after a build, when a storage limit is configured: with
// `$TSBUILD_GC_KEEP_STORAGE` (e.g. `20GB`) or `{"gc": {"keepStorage": "20GB"}}` in
// `<root>/config.json`. Least recently used cache goes first, like `tsbuild prune --keep-storage`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { prune, parseSize } from '../cache/index.js';
import { isObject, parseJsonObject } from '../spec/index.js';
import type { BuildContext } from './context.js';

export async function collectGarbageIfOverLimit(ctx: BuildContext): Promise<void> {
  const limit = await configuredLimit(ctx.layout.root);
  if (limit === undefined) return;
  const report = await prune(ctx.layout, ctx.store, ctx.names, { keepBytes: limit });
  if (report.records + report.blobs + report.snapshots > 0) {
    ctx.emit({
      type: 'warning',
      message: `cache over its ${limit}-byte limit: removed ${report.records} records, ${report.blobs} blobs, ${report.snapshots} snapshots`,
    });
  }
}

async function configuredLimit(root: string): Promise<number | undefined> {
  const fromEnv = process.env.TSBUILD_GC_KEEP_STORAGE;
  if (fromEnv) return parseSize(fromEnv);
  try {
    const gc = parseJsonObject(await readFile(path.join(root, 'config.json')), { where: `${root}/config.json` }, 'configuration')['gc'];
    const keepStorage = isObject(gc) ? gc['keepStorage'] : undefined;
    return typeof keepStorage === 'string' && keepStorage !== '' ? parseSize(keepStorage) : undefined;
  } catch {
    return undefined;
  }
}

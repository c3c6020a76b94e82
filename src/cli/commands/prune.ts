// `tsbuild prune` and `tsbuild cache du`: garbage-collect the root; show what it holds.
import { formatSize } from '../format-size.js';
import type { Command } from 'commander';
import { TsbuildError } from '../../errors.js';
import { parseGoDuration, parseSize } from '../../api/parsers.js';

export { parseSize };

interface PruneFlags {
  all?: boolean;
  keepStorage?: string;
  filter: string[];
}

export function register(program: Command): Command {
  return program
    .command('prune')
    .description('Remove build cache and blobs or snapshots no image needs')
    .option('-a, --all', 'remove all build cache records and cache mounts')
    .option('--keep-storage <size>', 'keep the most recently used cache up to this size (e.g. 10GB)')
    .option('--filter <filter>', 'until=DURATION: remove cache not used for that long (e.g. 24h)', (v: string, p: string[]) => [...p, v], [])
    .action(async (flags: PruneFlags) => {
      const keepStorage = flags.keepStorage === undefined ? undefined : parseSize(flags.keepStorage);
      const olderThanMs = untilFilter(flags.filter);
      const { prune } = await import('../../api/maintenance.js');
      const report = await prune({ all: flags.all, keepStorage, olderThanMs });
      process.stdout.write(
        `Removed ${report.records} cache records, ${report.blobs} blobs, ${report.snapshots} snapshots\nTotal reclaimed space: ${formatSize(report.bytes)}\n`,
      );
    });
}

export function registerCache(program: Command): Command {
  const cache = program.command('cache').description('Inspect the build cache');
  cache
    .command('du')
    .description('Show disk usage of images, build cache, snapshots and cache mounts')
    .option('--format <format>', 'table or json', 'table')
    .action(async (flags: { format: string }) => {
      const { cacheDiskUsage } = await import('../../api/maintenance.js');
      const usage = await cacheDiskUsage();
      if (flags.format === 'json') {
        process.stdout.write(`${JSON.stringify(usage, null, 2)}\n`);
        return;
      }
      const rows = [
        ['images', `${usage.images.blobs} blobs`, formatSize(usage.images.bytes)],
        ['build cache', `${usage.buildCache.records} records, ${usage.buildCache.blobs} blobs`, formatSize(usage.buildCache.bytes)],
        ['unreferenced', `${usage.unreferenced.blobs} blobs`, formatSize(usage.unreferenced.bytes)],
        ['snapshots', `${usage.snapshots.count} layers`, formatSize(usage.snapshots.bytes)],
        ['cache mounts', '', formatSize(usage.cacheMounts.bytes)],
        ['containers', `${usage.containers.stopped} stopped, ${usage.containers.running} running`, formatSize(usage.containers.bytes)],
      ];
      process.stdout.write(`${rows.map((r) => `${r[0].padEnd(14)}${r[1].padEnd(28)}${r[2]}`).join('\n')}\n`);
    });
  return cache;
}

/** `until=24h` (Go durations: h, m, s) -> ms; undefined without such a filter. */
export function untilFilter(filters: string[]): number | undefined {
  let result: number | undefined;
  for (const filter of filters) {
    const [key, value = ''] = filter.split('=', 2);
    if (key !== 'until') throw new TsbuildError('USAGE', `unknown prune filter "${key}" (until=DURATION)`);
    try {
      result = parseGoDuration(value) / 1e6;
    } catch (error) {
      throw new TsbuildError('USAGE', `invalid prune filter until=${value}: ${(error as Error).message} (e.g. 24h, 90m)`);
    }
  }
  return result;
}

// `tsbuild images [--format json]`: the named images of the local store, like `docker images`.
import { formatSize } from '../format-size.js';
import type { Command } from 'commander';
import { TsbuildError } from '../../errors.js';

interface ImagesFlags {
  format?: string;
}

export function register(program: Command): Command {
  return program
    .command('images')
    .description('List images in the local store')
    .option('--format <format>', 'output format: table (default) or json')
    .action(async (flags: ImagesFlags) => {
      const format = flags.format ?? 'table';
      if (format !== 'table' && format !== 'json') throw new TsbuildError('USAGE', `unknown --format "${format}": use table or json`);
      const images = await (await import('../../api/images.js')).images();
      if (format === 'json') {
        process.stdout.write(`${JSON.stringify(images, null, 2)}\n`);
        return;
      }
      const rows = images.map((image) => [
        image.repository, image.tag, image.digest.slice(7, 19), image.created ?? '', formatSize(image.size),
      ]);
      process.stdout.write(formatTable([['REPOSITORY', 'TAG', 'DIGEST', 'CREATED', 'SIZE'], ...rows]));
    });
}

function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('   ').trimEnd()).join('\n') + '\n';
}

// `tsbuild history REF`: the history entries of an image's config, newest first, like Docker.
import type { Command } from 'commander';

interface HistoryFlags {
  platform?: string;
  format?: string;
}

export function register(program: Command): Command {
  return program
    .command('history')
    .description('Show the history of a local image')
    .argument('<reference>', 'image name or digest')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default: this host)')
    .option('--format <format>', 'output format: table (default) or json')
    .action(async (reference: string, flags: HistoryFlags) => {
      const [{ LocalImages }, { parsePlatform }] = await Promise.all([
        import('../../oci/local-images.js'),
        import('../../spec/platform.js'),
      ]);
      const images = await LocalImages.open();
      const { manifest, config } = await images.resolve(reference, flags.platform ? parsePlatform(flags.platform) : undefined);
      const layers = [...manifest.layers];
      // Each non-empty history entry corresponds to the next layer, in order.
      const rows = (config.history ?? []).map((entry) => ({
        ...entry,
        size: entry.empty_layer ? 0 : (layers.shift()?.size ?? 0),
      }));
      rows.reverse();
      if (flags.format === 'json') {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      process.stdout.write('CREATED                    SIZE        CREATED BY\n');
      for (const row of rows) {
        const createdBy = (row.created_by ?? '').replace(/\s+/g, ' ');
        process.stdout.write(`${(row.created ?? '').padEnd(27)}${String(row.size).padEnd(12)}${createdBy}${row.comment ? `  # ${row.comment}` : ''}\n`);
      }
    });
}

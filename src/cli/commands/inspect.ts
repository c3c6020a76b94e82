// `tsbuild inspect [--platform P] REF`: the manifest and config of a local image as JSON.
import type { Command } from 'commander';

interface InspectFlags {
  platform?: string;
}

export function register(program: Command): Command {
  return program
    .command('inspect')
    .description('Show the manifest and config of a local image as JSON')
    .argument('<reference>', 'image name or digest')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default: this host)')
    .action(async (reference: string, flags: InspectFlags) => {
      const { inspect } = await import('../../api/images.js');
      process.stdout.write(`${JSON.stringify(await inspect(reference, { platform: flags.platform || undefined }), null, 2)}\n`);
    });
}

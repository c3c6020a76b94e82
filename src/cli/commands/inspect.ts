// `tsbuild inspect [--format T] [--raw] REF...`: local images as `docker image inspect` shows them
// (a JSON array), or the stored manifest and config (`--raw`).
import type { Command } from 'commander';
import { TsbuildError } from '../../errors.js';
import { renderDocuments } from '../format/index.js';

interface InspectFlags {
  platform?: string;
  format?: string;
  raw?: boolean;
}

export function register(program: Command): Command {
  return program
    .command('inspect')
    .description("Show local images as docker's image inspect does (or their manifest and config with --raw)")
    .argument('<reference...>', 'image names, image IDs or manifest digests (full or short)')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default: this host)')
    .option('-f, --format <template>', 'Go template applied to each image, e.g. {{.Id}} or {{json .Config}}')
    .option('--raw', 'print the stored manifest, index and config instead of docker\'s form')
    .action(async (references: string[], flags: InspectFlags) => {
      const { inspect, inspectImage } = await import('../../api/images.js');
      const platform = flags.platform || undefined;
      if (flags.raw) {
        if (flags.format) throw new TsbuildError('USAGE', '--raw and --format cannot be used together');
        const documents = await Promise.all(references.map((reference) => inspect(reference, { platform })));
        process.stdout.write(`${JSON.stringify(documents.length === 1 ? documents[0] : documents, null, 2)}\n`);
        return;
      }
      const images = await Promise.all(references.map((reference) => inspectImage(reference, { platform })));
      process.stdout.write(flags.format ? renderDocuments(flags.format, images) : `${JSON.stringify(images, null, 4)}\n`);
    });
}

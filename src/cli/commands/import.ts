// `tsbuild import FILE|DIR|- REF`: a rootfs tarball, directory or stdin as a one-layer image.
import type { Command } from 'commander';
import { TsbuildError } from '../../errors.js';

interface ImportFlags {
  change: string[];
  platform?: string;
  message?: string;
  format: string;
}

export function register(program: Command): Command {
  return program
    .command('import')
    .description('Create an image from a rootfs tarball (plain or gzip), a directory, or - for stdin')
    .argument('<source>', 'tarball, directory, or - to read a tarball from stdin')
    .argument('<reference>', 'name for the new image')
    .option('-c, --change <instruction>', 'apply a Dockerfile instruction (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR); repeatable', (value: string, previous: string[]) => [...previous, value], [])
    .option('--platform <os/arch[/variant]>', 'platform recorded in the image config (default: this host)')
    .option('-m, --message <text>', 'comment for the history entry')
    .option('--format <format>', 'media types of the manifest: oci (default) or docker', 'oci')
    .action(async (source: string, reference: string, flags: ImportFlags) => {
      if (flags.format !== 'oci' && flags.format !== 'docker') {
        throw new TsbuildError('USAGE', `unknown --format "${flags.format}": use oci or docker`);
      }
      const { importImage } = await import('../../api/archives.js');
      const descriptor = await importImage(source, reference, {
        changes: flags.change, platform: flags.platform || undefined, message: flags.message || undefined, mediaTypes: flags.format,
      });
      process.stdout.write(`${descriptor.digest}\n`);
    });
}

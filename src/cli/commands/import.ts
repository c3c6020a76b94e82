// `tsbuild import FILE|DIR|- REF`: a rootfs tarball, directory or stdin as a one-layer image.
import type { Command } from 'commander';

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
      const [{ LocalImages }, { importRootfs }, { parsePlatform }, { TsbuildError }, { applyConfigChange }] = await Promise.all([
        import('../../oci/local-images.js'),
        import('../../oci/image-import.js'),
        import('../../spec/platform.js'),
        import('../../errors.js'),
        import('../../oci/config-changes.js'),
      ]);
      if (flags.format !== 'oci' && flags.format !== 'docker') {
        throw new TsbuildError('USAGE', `unknown --format "${flags.format}": use oci or docker`);
      }
      const config = flags.change.reduce(applyConfigChange, {});
      const images = await LocalImages.open();
      const descriptor = await importRootfs(images.store, source, {
        ...(flags.platform ? { platform: parsePlatform(flags.platform) } : {}),
        ...(flags.message ? { comment: flags.message } : {}),
        mediaTypes: flags.format,
        config,
      });
      await images.names.set(reference, descriptor);
      process.stdout.write(`${descriptor.digest}\n`);
    });
}

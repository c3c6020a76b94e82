// `tsbuild save -o FILE [--format oci|oci-dir|docker] REF...`: export local images to a tarball
// (OCI image layout or docker-archive) or an OCI layout directory.
import type { Command } from 'commander';
import { TsbuildError } from '../../errors.js';

interface SaveFlags {
  output?: string;
  format: string;
  platform?: string;
}

export function register(program: Command): Command {
  return program
    .command('save')
    .description('Save images to an OCI layout or docker-archive tarball')
    .argument('<reference...>', 'image names')
    .option('-o, --output <file>', 'file (or directory for --format oci-dir) to write; default stdout')
    .option('--format <format>', 'oci (OCI layout tar), oci-dir (OCI layout directory) or docker (docker-archive)', 'oci')
    .option('--platform <os/arch[/variant]>', 'for --format docker: platform to pick from multi-platform images')
    .action(async (references: string[], flags: SaveFlags) => {
      const { save, SAVE_FORMATS } = await import('../../api/archives.js');
      const format = SAVE_FORMATS.find((known) => known === flags.format);
      if (!format) throw new TsbuildError('USAGE', `unknown --format "${flags.format}": use oci, oci-dir or docker`);
      if (format === 'oci-dir' && !flags.output) throw new TsbuildError('USAGE', '--format oci-dir needs -o DIRECTORY');
      await save(references, {
        format,
        output: flags.output ?? process.stdout,
        platform: format === 'docker' ? flags.platform || undefined : undefined,
        onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
      });
    });
}

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
      const { save, saveFormatNames, saveFormatWritesDirectory } = await import('../../api/archives.js');
      const formats = saveFormatNames();
      if (!formats.includes(flags.format)) {
        throw new TsbuildError('USAGE', `unknown --format "${flags.format}": use ${formats.slice(0, -1).join(', ')} or ${formats.at(-1)}`);
      }
      if (saveFormatWritesDirectory(flags.format) && !flags.output) throw new TsbuildError('USAGE', `--format ${flags.format} needs -o DIRECTORY`);
      await save(references, {
        format: flags.format,
        output: flags.output ?? process.stdout,
        platform: flags.platform || undefined,
        onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
      });
    });
}

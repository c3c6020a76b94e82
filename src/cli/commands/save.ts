// `tsbuild save -o FILE [--format oci|oci-dir|docker] REF...`: export local images to a tarball
// (OCI image layout or docker-archive) or an OCI layout directory.
import type { Command } from 'commander';

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
      const [{ LocalImages }, archiveOci, { saveDockerArchive }, { parsePlatform }, { TsbuildError }, { availableImage, describeMissing }] = await Promise.all([
        import('../../oci/local-images.js'),
        import('../../oci/archive-oci.js'),
        import('../../oci/archive-docker.js'),
        import('../../spec/platform.js'),
        import('../../errors.js'),
        import('../../oci/available-image.js'),
      ]);
      const images = await LocalImages.open();
      const located = await Promise.all(references.map((reference) => images.locate(reference)));
      // A partly pulled multi-platform image is saved with the platforms that are here, as docker does.
      const toSave = await Promise.all(located.map(async (image, i) => {
        const available = await availableImage(images.store, image.descriptor, image.name ?? references[i]);
        if (available.missing.length > 0) process.stderr.write(`warning: ${describeMissing(image.name ?? references[i]!, available, 'saving')}\n`);
        return { ...image, descriptor: available.descriptor };
      }));
      const output = flags.output ?? process.stdout;
      switch (flags.format) {
        case 'oci':
          return archiveOci.saveOciArchive(images.store, toSave, output);
        case 'oci-dir':
          if (!flags.output) throw new TsbuildError('USAGE', '--format oci-dir needs -o DIRECTORY');
          return archiveOci.saveOciDirectory(images.store, toSave, flags.output);
        case 'docker':
          return saveDockerArchive(images.store, toSave, output, flags.platform ? parsePlatform(flags.platform) : undefined);
        default:
          throw new TsbuildError('USAGE', `unknown --format "${flags.format}": use oci, oci-dir or docker`);
      }
    });
}

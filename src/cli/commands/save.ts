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
      const [{ LocalImages }, { saveFormats }, { parsePlatform }, { TsbuildError }, { availableImage, describeMissing }] = await Promise.all([
        import('../../oci/local-images.js'),
        import('../../executor/exporters/index.js'),
        import('../../oci/platform.js'),
        import('../../errors.js'),
        import('../../oci/available-image.js'),
      ]);
      const formats = saveFormats();
      const chosen = formats.get(flags.format);
      if (!chosen) {
        const names = [...formats.keys()];
        throw new TsbuildError('USAGE', `unknown --format "${flags.format}": use ${names.slice(0, -1).join(', ')} or ${names.at(-1)}`);
      }
      if (chosen.directory && !flags.output) throw new TsbuildError('USAGE', `--format ${flags.format} needs -o DIRECTORY`);
      const { exporter, type, attributes } = chosen;
      const output = exporter.parse({ ...attributes, type, dest: flags.output ?? '-' });
      if (!exporter.exportStored) throw new TsbuildError('INTERNAL', `--format ${flags.format}: the ${type} exporter cannot save stored images`);
      const images = await LocalImages.open();
      const located = await Promise.all(references.map((reference) => images.locate(reference)));
      // A partly pulled multi-platform image is saved with the platforms that are here, as docker does.
      const toSave = await Promise.all(located.map(async (image, i) => {
        const available = await availableImage(images.store, image.descriptor, image.name ?? references[i]);
        if (available.missing.length > 0) process.stderr.write(`warning: ${describeMissing(image.name ?? references[i]!, available, 'saving')}\n`);
        return { ...image, descriptor: available.descriptor };
      }));
      await exporter.exportStored(output, { store: images.store, images: toSave, platform: flags.platform ? parsePlatform(flags.platform) : undefined });
    });
}

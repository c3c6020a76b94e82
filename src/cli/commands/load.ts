// `tsbuild load -i FILE`: import images from an OCI layout (tar or directory) or a docker-archive.
import type { Command } from 'commander';

interface LoadFlags {
  input: string;
}

export function register(program: Command): Command {
  return program
    .command('load')
    .description('Load images from an OCI layout or docker-archive tarball')
    .requiredOption('-i, --input <file>', 'tarball (plain or gzip) or OCI layout directory')
    .action(async (flags: LoadFlags) => {
      const [{ LocalImages }, { loadArchive }, { familiarString, parseReference }] = await Promise.all([
        import('../../oci/local-images.js'),
        import('../../oci/archive-load.js'),
        import('../../spec/reference.js'),
      ]);
      const images = await LocalImages.open();
      for (const loaded of await loadArchive(images.store, flags.input)) {
        if (loaded.name) {
          const name = await images.names.set(loaded.name, loaded.descriptor);
          process.stdout.write(`Loaded image: ${familiarString(parseReference(name))}\n`);
        } else {
          process.stdout.write(`Loaded image ID: ${loaded.descriptor.digest}\n`);
        }
      }
    });
}

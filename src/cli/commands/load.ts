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
      const [{ load }, { familiarString, parseReference }] = await Promise.all([import('../../api/archives.js'), import('../../api/parsers.js')]);
      for (const loaded of await load(flags.input)) {
        if (loaded.name) {
          process.stdout.write(`Loaded image: ${familiarString(parseReference(loaded.name))}\n`);
        } else {
          process.stdout.write(`Loaded image ID: ${loaded.descriptor.digest}\n`);
        }
      }
    });
}

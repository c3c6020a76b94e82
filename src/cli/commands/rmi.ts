// `tsbuild rmi REF...`: remove image names, and the blobs no other image uses.
import type { Command } from 'commander';

export function register(program: Command): Command {
  return program
    .command('rmi')
    .description('Remove one or more images from the local store')
    .argument('<reference...>', 'image names')
    .action(async (references: string[]) => {
      const [{ rmi }, { familiarString, parseReference }] = await Promise.all([import('../../api/images.js'), import('../../api/parsers.js')]);
      await rmi(references, {
        onRemoved: ({ name, deletedBlobs }) => {
          process.stdout.write(`Untagged: ${familiarString(parseReference(name))}\n`);
          if (deletedBlobs > 0) process.stdout.write(`Deleted: ${deletedBlobs} blob(s)\n`);
        },
      });
    });
}

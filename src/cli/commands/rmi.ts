// `tsbuild rmi REF...`: remove image names, and the blobs no other image uses.
import type { Command } from 'commander';

export function register(program: Command): Command {
  return program
    .command('rmi')
    .description('Remove one or more images from the local store')
    .argument('<reference...>', 'image names')
    .action(async (references: string[]) => {
      const [{ LocalImages }, { familiarString, parseReference }, { recordLayerBlobs }] = await Promise.all([
        import('../../oci/local-images.js'),
        import('../../spec/reference.js'),
        import('../../cache/records.js'),
      ]);
      const images = await LocalImages.open();
      const cached = await recordLayerBlobs(images.store.layout.root);
      for (const reference of references) {
        const { name, deletedBlobs } = await images.remove(reference, cached);
        process.stdout.write(`Untagged: ${familiarString(parseReference(name))}\n`);
        if (deletedBlobs > 0) process.stdout.write(`Deleted: ${deletedBlobs} blob(s)\n`);
      }
    });
}

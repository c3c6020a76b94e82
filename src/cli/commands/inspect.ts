// `tsbuild inspect [--platform P] REF`: the manifest and config of a local image as JSON.
import type { Command } from 'commander';

interface InspectFlags {
  platform?: string;
}

export function register(program: Command): Command {
  return program
    .command('inspect')
    .description('Show the manifest and config of a local image as JSON')
    .argument('<reference>', 'image name or digest')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default: this host)')
    .action(async (reference: string, flags: InspectFlags) => {
      const [{ LocalImages }, { parsePlatform }] = await Promise.all([
        import('../../oci/local-images.js'),
        import('../../spec/platform.js'),
      ]);
      const images = await LocalImages.open();
      const resolved = await images.resolve(reference, flags.platform ? parsePlatform(flags.platform) : undefined);
      const output = {
        name: resolved.name ?? null,
        digest: resolved.descriptor.digest,
        ...(resolved.index ? { index: { digest: resolved.index.descriptor.digest, ...resolved.index.index } } : {}),
        manifest: resolved.manifest,
        config: resolved.config,
      };
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    });
}

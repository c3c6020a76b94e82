// `tsbuild tag SOURCE TARGET`: give a local image another name.
import type { Command } from 'commander';

export function register(program: Command): Command {
  return program
    .command('tag')
    .description('Create a name TARGET that refers to the local image SOURCE')
    .argument('<source>', 'existing image name or digest')
    .argument('<target>', 'new name, e.g. localhost:5000/app:1.0')
    .action(async (source: string, target: string) => {
      const { tag } = await import('../../api/images.js');
      await tag(source, target);
    });
}

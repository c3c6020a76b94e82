// `tsbuild version`: versions of tsbuild and of the Node runtime, like `docker version`.
import type { Command } from 'commander';

export function register(program: Command): Command {
  return program
    .command('version')
    .description('Show the tsbuild and Node.js versions')
    .action(async () => {
      const versions = (await import('../../api/version.js')).version();
      process.stdout.write(`tsbuild ${versions.tsbuild}\nnode ${versions.node}\n`);
    });
}

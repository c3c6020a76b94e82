// `tsbuild logout [HOST]`: forget the credentials saved for a registry.
import type { Command } from 'commander';
import { registryHost } from './login.js';

export function register(program: Command): Command {
  return program
    .command('logout')
    .description('Log out from a registry (default docker.io)')
    .argument('[server]', 'registry host, e.g. localhost:5000')
    .action(async (server: string | undefined) => {
      const host = registryHost(server);
      const { eraseCredentials } = await import('../../registry/credentials.js');
      const removed = await eraseCredentials(host);
      process.stdout.write(removed ? `Removing login credentials for ${host}\n` : `Not logged in to ${host}\n`);
    });
}

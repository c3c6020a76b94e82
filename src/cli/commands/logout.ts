// `tsbuild logout [HOST]`: forget the credentials saved for a registry.
import type { Command } from 'commander';

export function register(program: Command): Command {
  return program
    .command('logout')
    .description('Log out from a registry (default docker.io)')
    .argument('[server]', 'registry host, e.g. localhost:5000')
    .action(async (server: string | undefined) => {
      const { logout } = await import('../../api/login.js');
      const { host, removed } = await logout({ server });
      process.stdout.write(removed ? `Removing login credentials for ${host}\n` : `Not logged in to ${host}\n`);
    });
}

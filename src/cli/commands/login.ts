// `tsbuild login [-u USER] [-p PASS | --password-stdin] [HOST]`: check credentials against a
// registry, then save them in Docker's config.json (or its credential helper) like `docker login`.
import type { Command } from 'commander';
import { TsbuildError } from '../../errors.js';

interface LoginFlags {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

export function register(program: Command): Command {
  return program
    .command('login')
    .description('Log in to a registry (default docker.io)')
    .argument('[server]', 'registry host, e.g. localhost:5000')
    .option('-u, --username <username>', 'user name')
    .option('-p, --password <password>', 'password (prefer --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (server: string | undefined, flags: LoginFlags) => {
      const { login, registryHost } = await import('../../api/login.js');
      registryHost(server); // a bad server is refused before a password is read
      if (flags.password !== undefined && flags.passwordStdin) {
        throw new TsbuildError('USAGE', '--password and --password-stdin are mutually exclusive');
      }
      if (!flags.username) throw new TsbuildError('USAGE', 'login needs --username (interactive prompts are not supported)');
      if (flags.password !== undefined) {
        process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
      }
      const password = flags.passwordStdin ? await readStdin() : flags.password;
      if (!password) throw new TsbuildError('USAGE', 'login needs a password: use --password-stdin or --password');
      await login({ server, username: flags.username, password });
      process.stdout.write('Login Succeeded\n');
    });
}

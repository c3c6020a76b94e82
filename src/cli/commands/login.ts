// `tsbuild login [-u USER] [-p PASS | --password-stdin] [HOST]`: check credentials against a
// registry, then save them in Docker's config.json (or its credential helper) like `docker login`.
import type { Command } from 'commander';
import { TsbuildError } from '../../errors.js';

interface LoginFlags {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

/** `https://host:5000/v1/` -> `host:5000`; `index.docker.io` -> `docker.io`. */
export function registryHost(server: string | undefined): string {
  const host = (server ?? 'docker.io').replace(/^[a-z]+:\/\//i, '').split('/')[0] ?? '';
  if (!host) throw new TsbuildError('USAGE', `invalid registry "${server}"`);
  return ['index.docker.io', 'registry-1.docker.io'].includes(host) ? 'docker.io' : host;
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
      const host = registryHost(server);
      if (flags.password !== undefined && flags.passwordStdin) {
        throw new TsbuildError('USAGE', '--password and --password-stdin are mutually exclusive');
      }
      if (!flags.username) throw new TsbuildError('USAGE', 'login needs --username (interactive prompts are not supported)');
      if (flags.password !== undefined) {
        process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
      }
      const password = flags.passwordStdin ? await readStdin() : flags.password;
      if (!password) throw new TsbuildError('USAGE', 'login needs a password: use --password-stdin or --password');
      const [{ RegistryClient }, { storeCredentials }, { RegistryError }] = await Promise.all([
        import('../../registry/client.js'),
        import('../../registry/credentials.js'),
        import('../../registry/errors.js'),
      ]);
      const credentials = { kind: 'basic' as const, username: flags.username, password };
      await new RegistryClient(host, { credentials }).ping().catch((error: unknown) => {
        if (error instanceof RegistryError && (error.status === 401 || error.status === 403)) {
          throw new TsbuildError('REGISTRY', `login to ${host} failed: incorrect username or password`, { cause: error });
        }
        throw error;
      });
      await storeCredentials(host, flags.username, password);
      process.stdout.write('Login Succeeded\n');
    });
}

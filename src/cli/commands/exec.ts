// `tsbuild exec`: docker exec for a container started with `tsbuild run -d` (or a foreground
// `run --name`); the command's exit status is exec's own.
import type { Command } from 'commander';
import { TsbuildError } from '../../errors.js';

interface ExecFlags {
  interactive?: boolean;
  tty?: boolean;
  env: string[];
  user?: string;
  workdir?: string;
}

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): Command {
  program.enablePositionalOptions();
  return program
    .command('exec')
    .description('Execute a command in a running container')
    .argument('<container>', 'name or ID')
    .argument('<command...>', 'command and its arguments')
    .passThroughOptions()
    .option('-i, --interactive', 'keep stdin attached to the command')
    .option('-t, --tty', 'allocate a pseudo-terminal (not supported yet)')
    .option('-e, --env <K=V>', 'set an environment variable; K alone passes the host value (repeatable)', collect, [])
    .option('-u, --user <user[:group]>', 'user name or uid, optionally with a group')
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .action(async (container: string, command: string[], flags: ExecFlags) => {
      process.exit(await execCommand(container, command, flags));
    });
}

async function execCommand(container: string, command: string[], flags: ExecFlags): Promise<number> {
  if (flags.tty) throw new TsbuildError('USAGE', 'exec -t (a pseudo-terminal) is not supported yet: run the command without -t (add -i for its stdin)');
  const { exec } = await import('../../api/containers.js');
  let helper: number | undefined;
  const forward = (signal: NodeJS.Signals): void => {
    if (helper !== undefined) process.kill(helper, signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  try {
    const result = await exec(container, command, {
      env: flags.env.flatMap(hostValue), user: flags.user, workdir: flags.workdir, interactive: flags.interactive === true,
      onSpawn: (pid) => (helper = pid),
      onStdout: (chunk) => process.stdout.write(chunk),
      onStderr: (chunk) => process.stderr.write(chunk),
    });
    return result.exitCode;
  } finally {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
  }
}

/** `-e K` passes the host's value of K (nothing when it is unset), as docker does. */
function hostValue(entry: string): string[] {
  if (entry.includes('=')) return [entry];
  const value = process.env[entry];
  return value === undefined ? [] : [`${entry}=${value}`];
}

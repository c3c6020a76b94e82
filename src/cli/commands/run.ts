// `tsbuild run [OPTIONS] IMAGE [COMMAND] [ARG...]`: run an image from the local store in the sandbox,
// with Docker's flags; tsbuild's exit status is the container's (125 when it could not be started).
import type { Command } from 'commander';

interface RunFlags {
  rm?: boolean;
  name?: string;
  env: string[];
  envFile: string[];
  volume: string[];
  tmpfs: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  network?: string;
  hostname?: string;
  memory?: string;
  cpus?: string;
  pidsLimit?: string;
  platform?: string;
  pull: string;
  interactive?: boolean;
  tty?: boolean;
  runtime: string;
  securityOpt: string[];
  stopTimeout: string;
}

/** Docker's status when the container could not be created or started. */
const START_FAILED = 125;
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): Command {
  // Flags after IMAGE belong to the container's command (`run busybox ls -l`), so the program's own
  // options are recognised only before the subcommand name.
  program.enablePositionalOptions();
  return program
    .command('run')
    .description('Run a command in a new container from an image')
    .argument('<image>', 'image reference or ID')
    .argument('[command...]', 'command and arguments (replace the image CMD)')
    .passThroughOptions()
    .option('--rm', 'remove the container directory and its anonymous volumes when it exits')
    .option('--name <name>', 'assign a name to the container')
    .option('-e, --env <K=V>', 'set an environment variable; K alone passes the host value (repeatable)', collect, [])
    .option('--env-file <file>', 'read environment variables from a file (repeatable)', collect, [])
    .option('-v, --volume <HOST:CTR[:ro|rw]>', 'bind-mount an absolute host path, or CTR alone for an anonymous volume (repeatable)', collect, [])
    .option('--tmpfs <PATH[:opts]>', 'mount a tmpfs (repeatable)', collect, [])
    .option('-w, --workdir <dir>', 'working directory inside the container (created if missing)')
    .option('-u, --user <user[:group]>', 'user name or uid, optionally with a group')
    .option('--entrypoint <cmd>', "override the image ENTRYPOINT (and drop its CMD); '' clears it")
    .option('--network <mode>', 'network: bridge (the default: its own, with outbound access through slirp4netns), host or none')
    .option('--hostname <name>', 'container host name (default: the short container ID)')
    .option('-m, --memory <size>', 'memory limit, e.g. 512m or 1g')
    .option('--cpus <n>', 'number of CPUs, e.g. 1.5')
    .option('--pids-limit <n>', 'maximum number of processes (0 or -1: unlimited)')
    .option('--platform <os/arch[/variant]>', 'platform to select (and pull) when the image has several')
    .option('--pull <policy>', 'pull the image: missing, always or never', 'missing')
    .option('-i, --interactive', "attach the container's stdin")
    .option('-t, --tty', 'allocate a pseudo-terminal')
    .option('--runtime <name>', 'sandbox: auto, builtin, runc or crun', 'auto')
    .option('--security-opt <opt>', 'seccomp=unconfined turns the default syscall filter off (repeatable)', collect, [])
    .option('--stop-timeout <seconds>', 'seconds to wait after a stop signal before killing the container', '10')
    .action(async (image: string, command: string[], flags: RunFlags) => {
      process.exit(await runCommand(image, command, flags));
    });
}

async function runCommand(image: string, command: string[], flags: RunFlags): Promise<number> {
  const [{ run }, { printRunEvent }, { constants }] = await Promise.all([
    import('../../api/run.js'),
    import('../run-events.js'),
    import('node:os'),
  ]);
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const forward = (signal: NodeJS.Signals): void => {
    received ??= signal;
    controller.abort(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  try {
    const result = await run({
      image, command, ...(flags.entrypoint !== undefined ? { entrypoint: flags.entrypoint } : {}),
      env: flags.env, envFiles: flags.envFile, volumes: flags.volume, tmpfs: flags.tmpfs,
      workdir: flags.workdir, user: flags.user, network: flags.network as 'host' | undefined, hostname: flags.hostname,
      memory: flags.memory, cpus: flags.cpus, pidsLimit: flags.pidsLimit,
      platform: flags.platform, pull: flags.pull as 'missing', interactive: flags.interactive, tty: flags.tty,
      runtime: flags.runtime as 'auto', securityOpt: flags.securityOpt, rm: flags.rm, name: flags.name, stopTimeoutMs: stopTimeoutMs(flags.stopTimeout),
      signal: controller.signal, onEvent: (event) => printRunEvent(event, (line) => process.stderr.write(`${line}\n`)),
    });
    return result.exitCode;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'CANCELLED' && received) return 128 + constants.signals[received];
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n`);
    return START_FAILED;
  } finally {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
  }
}

function stopTimeoutMs(seconds: string): number {
  const value = Number(seconds);
  if (!Number.isFinite(value) || value < 0) throw new Error(`invalid --stop-timeout "${seconds}": expected seconds`);
  return value * 1000;
}

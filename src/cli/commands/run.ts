// `tsbuild run [OPTIONS] IMAGE [COMMAND] [ARG...]`: run an image from the local store in the sandbox,
// with Docker's flags; tsbuild's exit status is the container's (125 when it could not be started).
import { closeSync, writeSync } from 'node:fs';
import type { Command } from 'commander';

interface RunFlags {
  rm?: boolean;
  detach?: boolean;
  name?: string;
  env: string[];
  envFile: string[];
  volume: string[];
  tmpfs: string[];
  publish: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  network?: string;
  hostname?: string;
  memory?: string;
  cpus?: string;
  pidsLimit?: string;
  ulimit: string[];
  shmSize?: string;
  cgroupParent?: string;
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
/** Sent by `tsbuild rm -f`: kill the container at once (SIGUSR1 would start Node's inspector). */
const KILL_SIGNAL = 'SIGUSR2';
/** Set in the environment of the process that `run -d` starts to supervise the container. */
const SUPERVISOR_ENV = 'TSBUILD_RUN_SUPERVISOR';
/** The supervisor reports `{"id"}` or `{"error"}` on this fd to the `run -d` that started it. */
const REPORT_FD = 3;

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
    .option('-d, --detach', 'run the container in the background and print its ID (see ps, logs, stop, rm); with -t on a terminal of its own, with -i an open, empty stdin')
    .option('--name <name>', 'assign a name to the container')
    .option('-e, --env <K=V>', 'set an environment variable; K alone passes the host value (repeatable)', collect, [])
    .option('--env-file <file>', 'read environment variables from a file (repeatable)', collect, [])
    .option('-v, --volume <HOST:CTR[:ro|rw]>', 'bind-mount an absolute host path, or CTR alone for an anonymous volume (repeatable)', collect, [])
    .option('--tmpfs <PATH[:opts]>', 'mount a tmpfs (repeatable)', collect, [])
    .option('-w, --workdir <dir>', 'working directory inside the container (created if missing)')
    .option('-u, --user <user[:group]>', 'user name or uid, optionally with a group')
    .option('--entrypoint <cmd>', "override the image ENTRYPOINT (and drop its CMD); '' clears it")
    .option('-p, --publish <[IP:]HOST:CTR[/proto]>', "publish a container port on the host (the bridge network's slirp4netns forwards it; repeatable)", collect, [])
    .option('--network <mode>', 'network: bridge (the default: its own, with outbound access through slirp4netns), host or none')
    .option('--hostname <name>', 'container host name (default: the short container ID)')
    .option('-m, --memory <size>', 'memory limit, e.g. 512m or 1g')
    .option('--cpus <n>', 'number of CPUs, e.g. 1.5')
    .option('--pids-limit <n>', 'maximum number of processes (0 or -1: unlimited)')
    .option('--ulimit <type=soft[:hard]>', 'ulimit, e.g. nofile=1024:2048 (-1: unlimited; repeatable)', collect, [])
    .option('--shm-size <size>', 'size of /dev/shm, e.g. 1g (default 64m)')
    .option('--cgroup-parent <path>', "parent of the container's cgroup, from the hierarchy's root (default: tsbuild's own)")
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
  const supervising = flags.detach === true && process.env[SUPERVISOR_ENV] === '1';
  if (flags.detach && !supervising) return startDetached();
  const controller = new AbortController();
  const killer = new AbortController();
  let received: NodeJS.Signals | undefined;
  const forward = (signal: NodeJS.Signals): void => {
    received ??= signal;
    if (signal === KILL_SIGNAL) killer.abort();
    else controller.abort(signal);
  };
  for (const signal of [...FORWARDED_SIGNALS, KILL_SIGNAL]) process.on(signal, forward);
  const report = supervising ? reportToStarter : undefined;
  try {
    const result = await run({
      image, command, ...(flags.entrypoint !== undefined ? { entrypoint: flags.entrypoint } : {}),
      env: flags.env, envFiles: flags.envFile, publish: flags.publish, volumes: flags.volume, tmpfs: flags.tmpfs,
      workdir: flags.workdir, user: flags.user, network: flags.network as 'host' | undefined, hostname: flags.hostname,
      memory: flags.memory, cpus: flags.cpus, pidsLimit: flags.pidsLimit,
      ulimits: flags.ulimit, shmSize: flags.shmSize, cgroupParent: flags.cgroupParent,
      platform: flags.platform, pull: flags.pull as 'missing', interactive: flags.interactive, tty: flags.tty,
      runtime: flags.runtime as 'auto', securityOpt: flags.securityOpt, rm: flags.rm, name: flags.name, stopTimeoutMs: stopTimeoutMs(flags.stopTimeout),
      signal: controller.signal, killSignal: killer.signal,
      ...(report
        ? { logToFile: true, onStart: (id: string) => report({ id }), onEvent: () => undefined }
        : { onEvent: (event) => printRunEvent(event, (line) => process.stderr.write(`${line}\n`)) }),
    });
    return result.exitCode;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'CANCELLED' && received) return 128 + constants.signals[received];
    const hint = (error as { cliHint?: string }).cliHint;
    const message = `${error instanceof Error ? error.message : String(error)}${hint ? ` (${hint})` : ''}`;
    if (report) report({ error: message });
    else process.stderr.write(`error: ${message}\n`);
    return START_FAILED;
  } finally {
    for (const signal of [...FORWARDED_SIGNALS, KILL_SIGNAL]) process.off(signal, forward);
  }
}

/**
 * `run -d`: the same command line again, in a session of its own, as the container's supervisor
 * (it outlives this process; `stop`/`rm -f` signal it). It reports the container ID, or why the
 * container could not start, on a pipe; the container's output goes to its log (`tsbuild logs`).
 */
async function startDetached(): Promise<number> {
  const [{ spawn }, { readReport }] = await Promise.all([import('node:child_process'), import('../detached-report.js')]);
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    env: { ...process.env, [SUPERVISOR_ENV]: '1' },
  });
  const outcome = await readReport(child.stdio[REPORT_FD]);
  child.unref();
  if (outcome.id !== undefined) {
    process.stdout.write(`${outcome.id}\n`);
    return 0;
  }
  process.stderr.write(`error: ${outcome.error ?? 'the container did not start (its supervisor exited)'}\n`);
  return START_FAILED;
}

function reportToStarter(message: { id?: string; error?: string }): void {
  try {
    writeSync(REPORT_FD, `${JSON.stringify(message)}\n`);
    closeSync(REPORT_FD);
  } catch {
    // the starter is gone; nothing to tell
  }
}

function stopTimeoutMs(seconds: string): number {
  const value = Number(seconds);
  if (!Number.isFinite(value) || value < 0) throw new Error(`invalid --stop-timeout "${seconds}": expected seconds`);
  return value * 1000;
}

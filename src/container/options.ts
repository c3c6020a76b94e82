// The options and result of `runContainer` (the CLI's `tsbuild run` and the Node API's `run`).
import type { RegistryClientOptions } from '../registry/index.js';
import type { BackendChoice } from '../runtime-shim/index.js';
import type { RunEventSink } from '../container/events.js';
import type { PullPolicy } from '../container/image-source.js';

export interface RunContainerOptions {
  /** Image reference (`busybox`, `localhost:5000/app:1`) or stored image ID (`sha256:...`). */
  image: string;
  /** Arguments after the image name: they replace the image's CMD. */
  command?: string[];
  /** `--entrypoint`: replaces the image's ENTRYPOINT and drops its CMD; `''` clears it. */
  entrypoint?: string;
  /** `-e` values: `K=V`, or `K` to pass the host's K (unset in the container when the host has none). */
  env?: string[];
  /** `--env-file` paths, applied before `env`. */
  envFiles?: string[];
  /** `-v` values: `HOST:CTR[:ro|rw]` (absolute host path) or `CTR` for an anonymous volume. */
  volumes?: string[];
  /** `--tmpfs` values: `PATH[:size=64m,mode=1777,ro]`. */
  tmpfs?: string[];
  /** `-w`: absolute working directory, created when missing. */
  workdir?: string;
  /** `-u`: `name`, `uid`, `name:group` or `uid:gid`, resolved through the image's /etc/passwd and /etc/group. */
  user?: string;
  /**
   * Default `bridge` (also `default`): a network namespace of its own with outbound access through
   * slirp4netns (loopback only, with a warning, when it is not installed); `host`; `none`.
   */
  network?: 'bridge' | 'default' | 'host' | 'none';
  /** `-p` values: `[IP:]HOST_PORT:CONTAINER_PORT[/tcp|udp]`, forwarded by slirp4netns (bridge network only). */
  publish?: string[];
  /** Default: the first 12 digits of the container ID. */
  hostname?: string;
  /** Bytes, or a size like `512m` / `1g`. */
  memory?: number | string;
  /** Fractional CPUs, e.g. 1.5. */
  cpus?: number | string;
  /** Maximum number of processes; 0 or less means unlimited. */
  pidsLimit?: number | string;
  /** `--ulimit` values: `name=soft[:hard]` (`nofile=1024:2048`, `core=-1`); a later one of a name wins. */
  ulimits?: string[];
  /** Size of /dev/shm: bytes, or a size like `1g`; default (and 0) 64 MiB. */
  shmSize?: number | string;
  /** The cgroup the container's cgroup is made in, a path from each hierarchy's root; `..` is refused. */
  cgroupParent?: string;
  /** `os/arch[/variant]` to select from a multi-platform image (and to pull). */
  platform?: string;
  /** Default `missing`. */
  pull?: PullPolicy;
  /** `-i`: the container shares this process's stdin, stdout and stderr. */
  interactive?: boolean;
  /**
   * `-t`: the command gets a pseudo-terminal (stdout and stderr both come through it). With
   * `interactive`, this process's stdin is its input, in raw mode when it is a terminal.
   */
  tty?: boolean;
  /** `--security-opt` values: `seccomp=unconfined` turns the default syscall filter off. */
  securityOpt?: string[];
  /** Sandbox backend; default `auto`. */
  runtime?: BackendChoice;
  /** Remove the container's directory and anonymous volumes when it exits. */
  rm?: boolean;
  /** A unique name for the container (kept with its directory). */
  name?: string;
  /** The tsbuild root; default `$TSBUILD_ROOT` or the per-user default. */
  root?: string;
  /**
   * Aborting stops the container like `docker stop`: a signal (the abort reason when it is a
   * signal name such as `'SIGINT'`, else the image's StopSignal, else SIGTERM), then SIGKILL
   * after `stopTimeoutMs`.
   */
  signal?: AbortSignal;
  /** Aborting kills the container at once (`docker kill`, `rm -f`), also while a stop is under way. */
  killSignal?: AbortSignal;
  /** Default 10 000 ms. */
  stopTimeoutMs?: number;
  /** Bytes for the command's stdin when not `interactive` (stdin is empty otherwise). */
  stdin?: string | Uint8Array;
  /** Output of the command when not `interactive`; default: written to this process's stdout/stderr. */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  onEvent?: RunEventSink;
  /** Keep the output in the container's log file (`tsbuild logs`) instead of `onStdout`/`onStderr` (a detached container). */
  logToFile?: boolean;
  /** Called with the container ID once its sandbox has started. */
  onStart?: (containerId: string) => void;
  /** Registry settings for pulls (mirrors, insecure registries, Docker config path). */
  registry?: RegistryClientOptions;
  /** The environment `-e K` and bare `--env-file` names read from; default `process.env`. */
  hostEnv?: NodeJS.ProcessEnv;
}

export interface RunContainerResult {
  /** The command's exit status (128 + N when signal N ended it; 137 when the stop timeout ran out). */
  exitCode: number;
  containerId: string;
  /** The signal that ended the command, if one did. */
  signal?: NodeJS.Signals;
}

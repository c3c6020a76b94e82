// The sandbox backend interface shared by the builtin helper and the OCI runtimes (runc, crun).
import type { SandboxSpec, SandboxUser, SeccompMode } from './spec.js';

export interface RunOptions {
  /** Aborting kills every process of the sandbox; `run` settles only after cleanup. */
  signal?: AbortSignal;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Bytes fed to the process's stdin in `pipe` mode (stdin is empty otherwise). */
  stdin?: string | Uint8Array;
  /** `pipe` mode: stdin stays open with nothing written, as docker's detached `-i` keeps it (no EOF). */
  holdStdin?: boolean;
  /** `tty` mode: tsbuild's stdin is the terminal's input (`-i`), in raw mode when it is a terminal itself. */
  attachStdin?: boolean;
  /**
   * Called with the pid of the host-side process (the builtin helper, or `runc run`) once it is
   * spawned. Signals sent to it (SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1/2, SIGWINCH) are forwarded
   * to the command inside, e.g. for `tsbuild run` to pass on its own SIGTERM.
   */
  onSpawn?: (hostPid: number) => void;
  /** Called once the sandbox runs with what a later `exec` needs to reach it. */
  onExecTarget?: (target: ExecTarget) => void;
}

export interface RunResult {
  /** The command's exit status; 128 + N when signal N killed it (as a shell reports it). */
  exitCode: number;
  /** The signal that killed the command, when `exitCode` > 128 came from one. */
  signal?: NodeJS.Signals;
  /** The kernel's OOM killer killed a process of the run (its memory limit was hit), where known. */
  oomKilled?: boolean;
}

export type BackendName = 'builtin' | 'runc' | 'crun';

export interface SandboxBackend {
  readonly name: BackendName;
  /**
   * Runs `spec.args` in a fresh sandbox and resolves with its exit status.
   * Rejects with TsbuildError `SANDBOX` when the sandbox cannot be set up and `CANCELLED` on abort.
   */
  run(spec: SandboxSpec, options?: RunOptions): Promise<RunResult>;
}

/** What a backend records so that a later `exec` can reach its running container. */
export type ExecTarget =
  | {
    backend: 'builtin';
    /** The helper's pid; the container's init is its child (PID 1 of the namespace). */
    helperPid: number;
    cgroupProcs: string[];
    noMknod: boolean;
    noNewPrivileges: boolean;
    seccomp: SeccompMode;
    env: string[];
    cwd: string;
    user: SandboxUser;
  }
  | { backend: 'runc' | 'crun'; binary: string; stateRoot: string; id: string };

// Starts a sandbox's host-side process (helper or OCI runtime) with the stdio the spec asks for.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import type { RunOptions, RunResult } from './backend.js';
import type { StdioMode } from './spec.js';
import { attachTerminal } from './terminal.js';

export interface StartedProcess {
  child: ChildProcess;
  /** Settles when the process has exited and its pipes are closed. */
  done: Promise<{ exitCode: number; statusText: string }>;
}

/** Extra fds for the helper: fd 3 a status pipe (its text collected), fd 4 a sync socket, fd 5 the terminal's control pipe. */
export interface ExtraFds {
  status?: boolean;
  sync?: boolean;
  ttyControl?: boolean;
}

/** Spawns `command` with stdio as `mode` asks and the extra fds of `fds`. */
export function startProcess(command: string, args: string[], mode: StdioMode, options: RunOptions, fds: ExtraFds = {}): StartedProcess {
  // `inherit` relays tsbuild's stdio through pipes: the sandbox never holds the caller's terminal.
  const stdio: ('pipe' | 'ignore')[] = ['pipe', 'pipe', 'pipe'];
  const extra = [fds.status, fds.sync, fds.ttyControl];
  const count = extra.findLastIndex(Boolean) + 1;
  for (const wanted of extra.slice(0, count)) stdio.push(wanted ? 'pipe' : 'ignore');
  // detached: a session of its own, without tsbuild's controlling terminal, so nothing in the
  // sandbox can open /dev/tty to type into it; tsbuild forwards the terminal's signals (onSpawn).
  const child = spawn(command, args, { stdio, detached: true });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  if (mode === 'inherit') relayStdio(child, options);
  else if (mode === 'tty') attachTerminal(child, options);
  else {
    if (options.holdStdin) holdStdin(child);
    else feedStdin(child, options.stdin);
    if (options.onStdout) child.stdout?.on('data', options.onStdout);
    if (options.onStderr) child.stderr?.on('data', options.onStderr);
  }
  const status = fds.status ? collect(child.stdio[3] as Readable) : Promise.resolve('');
  const done = new Promise<{ exitCode: number; statusText: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
      void status.then((statusText) => resolve({ exitCode, statusText }));
    });
  });
  return { child, done };
}

function relayStdio(child: ChildProcess, options: RunOptions): void {
  child.stdout?.on('data', options.onStdout ?? ((chunk: Buffer) => process.stdout.write(chunk)));
  child.stderr?.on('data', options.onStderr ?? ((chunk: Buffer) => process.stderr.write(chunk)));
  const stdin = child.stdin;
  if (!stdin) return;
  stdin.on('error', () => undefined); // the command may exit without reading its input
  process.stdin.pipe(stdin);
  child.on('close', () => {
    process.stdin.unpipe(stdin);
    process.stdin.pause(); // let tsbuild exit although the terminal is still open
  });
}

function holdStdin(child: ChildProcess): void {
  child.stdin?.on('error', () => undefined);
  child.on('exit', () => child.stdin?.destroy());
}

function feedStdin(child: ChildProcess, input: RunOptions['stdin']): void {
  const stdin = child.stdin;
  if (!stdin) return;
  stdin.on('error', () => undefined); // the command may exit without reading its input
  stdin.end(input ?? '');
}

function collect(stream: Readable | undefined): Promise<string> {
  if (!stream) return Promise.resolve('');
  return new Promise((resolve) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (s: string) => (text += s));
    stream.on('close', () => resolve(text));
    stream.on('error', () => resolve(text));
  });
}

/** The RunResult for an exit code reported the way a shell reports it. */
export function resultFromExitCode(exitCode: number): RunResult {
  const signo = exitCode - 128;
  if (signo <= 0 || signo > 64) return { exitCode };
  const name = Object.entries(constants.signals).find(([, n]) => n === signo)?.[0] as NodeJS.Signals | undefined;
  return name ? { exitCode, signal: name } : { exitCode };
}

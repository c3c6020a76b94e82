// tsbuild's side of a sandbox's pseudo-terminal (`stdio: 'tty'`): the helper relays the terminal's
// master over the host process's stdin and stdout, and takes window sizes on a control pipe.
// tsbuild puts its own terminal in raw mode, so every key (Ctrl-C, Ctrl-D, Ctrl-Z) goes to the
// container's terminal, whose line discipline acts on it, exactly once, as with `docker run -it`.
import type { ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { RunOptions } from './backend.js';

/** The fd on which the helper reads "ROWS COLS\n" window sizes (builtin and `--oci-tty` modes). */
export const TTY_CONTROL_FD = 5;

export interface TerminalSize {
  rows: number;
  cols: number;
}

/** The size of tsbuild's own terminal, when its stdout (or else stdin) is one. */
export function hostTerminalSize(): TerminalSize | undefined {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.isTTY && stream.rows > 0 && stream.columns > 0) return { rows: stream.rows, cols: stream.columns };
  }
  return undefined;
}

/**
 * Connects the helper's terminal relay: its stdout is the terminal's output (stderr included, as in
 * a terminal), tsbuild's stdin the input when `options.attachStdin`, and resizes of tsbuild's
 * terminal go to the control pipe. Everything is undone when the helper exits.
 */
export function attachTerminal(child: ChildProcess, options: RunOptions): void {
  const control = (child.stdio as unknown[])[TTY_CONTROL_FD] as Writable | undefined;
  control?.on('error', () => undefined); // the relay may be gone first
  child.stdout?.on('data', options.onStdout ?? ((chunk: Buffer) => process.stdout.write(chunk)));
  child.stderr?.on('data', options.onStderr ?? ((chunk: Buffer) => process.stderr.write(chunk)));
  const resize = (): void => {
    const size = hostTerminalSize();
    if (size) control?.write(`${size.rows} ${size.cols}\n`);
  };
  process.stdout.on('resize', resize);
  const detachInput = options.attachStdin ? attachInput(child) : (child.stdin?.end(), () => undefined);
  child.on('close', () => {
    process.stdout.off('resize', resize);
    detachInput();
  });
}

function attachInput(child: ChildProcess): () => void {
  const stdin = child.stdin;
  if (!stdin) return () => undefined;
  stdin.on('error', () => undefined); // the command may exit without reading its input
  const raw = process.stdin.isTTY === true;
  if (raw) process.stdin.setRawMode(true);
  process.stdin.pipe(stdin);
  return () => {
    process.stdin.unpipe(stdin);
    if (raw) process.stdin.setRawMode(false);
    process.stdin.pause(); // let tsbuild exit although the terminal is still open
  };
}

// Runs the tsbuild CLI as a child process: stdout passes straight through, stderr (where the
// plain progress goes) is copied to the log and to a listener, and cancellation signals from the
// runner are forwarded so the build stops and cleans up.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { CliCommand } from './privileges.js';

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Resolves to the child's exit status (128 + signal number when a signal ended it). The child
 * gets this process's environment plus `extraEnv`.
 */
export function spawnCli(cli: CliCommand, onStderr: (chunk: string) => void, extraEnv: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli.command, cli.args, { stdio: ['inherit', 'inherit', 'pipe'], env: { ...process.env, ...extraEnv } });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      process.stderr.write(chunk);
      onStderr(chunk);
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const stopForwarding = () => FORWARDED_SIGNALS.forEach((s) => process.off(s, forward));
    child.on('error', (error) => {
      stopForwarding();
      reject(new Error(`cannot start ${cli.command}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      stopForwarding();
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

// Drives a command through a real pseudo-terminal (test/helpers/pty-driver.py, Python's pty module):
// typing keys, waiting for text on the screen, resizing, as a user at a terminal does.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const driver = fileURLToPath(new URL('./pty-driver.py', import.meta.url));

export type PtyStep = ['expect', string] | ['send', string] | ['resize', number, number];

export interface PtySession {
  /** The command's exit status; null when it had to be killed. */
  status: number | null;
  /** Everything the terminal showed, carriage returns removed (the driver matches on this). */
  output: string;
  /** Why the script stopped early (an `expect` that never matched), else null. */
  failed: string | null;
  /** The terminal was in canonical mode with echo again after the command exited. */
  cooked: boolean;
}

/** Runs `command` on a fresh 24x80 terminal and plays `steps`; resolves once the command has exited. */
export function drivePty(steps: PtyStep[], command: string[], env: NodeJS.ProcessEnv = process.env): Promise<PtySession> {
  return new Promise((resolve, reject) => {
    execFile('python3', [driver, JSON.stringify(steps), '--', ...command], { env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`pty driver failed: ${error.message}\n${stderr}`));
      const session = JSON.parse(stdout) as PtySession;
      resolve(session);
    });
  });
}

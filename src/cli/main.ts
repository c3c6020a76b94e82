// The CLI: a thin adapter that turns flags into API options, prints errors once, and
// maps error codes to exit statuses.
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { TsbuildError } from '../errors.js';
import { sweepPrivateDirs } from '../runtime-shim/private-tmpfs.js';
import { commandRegistrars } from './commands/index.js';
import { exitStatusFor, ExitStatus } from './exit-status.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export function createProgram(): Command {
  const program = new Command('tsbuild')
    .description('Daemonless OCI image builder and Dockerfile compiler')
    .version(version, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  for (const register of commandRegistrars) configure(register(program));
  return program;
}

/** Errors go through `main` (exit statuses of the README) for every command and subcommand. */
function configure(command: Command): void {
  command.exitOverride().showHelpAfterError('(run with --help for usage)');
  for (const sub of command.commands) configure(sub);
}

/** Runs the CLI and resolves to the process exit status; never throws. */
export async function main(argv: string[]): Promise<number> {
  try {
    // Secrets a killed tsbuild left on the tmpfs go first, whatever the command.
    sweepPrivateDirs();
    await createProgram().parseAsync(argv);
    return ExitStatus.Ok;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (or the help/version text).
    return error.exitCode === 0 ? ExitStatus.Ok : ExitStatus.Usage;
  }
  if (error instanceof TsbuildError) {
    process.stderr.write(`error: ${error.message}\n`);
    return exitStatusFor(error.code);
  }
  const system = systemErrorMessage(error);
  if (system) {
    process.stderr.write(`error: ${system}\n`);
    return ExitStatus.Failure;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`internal error: ${message}\n`);
  return ExitStatus.Internal;
}

/** Errors of the machine rather than of tsbuild (a full disk, permissions): said plainly. */
const SYSTEM_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on device (free some, or run `tsbuild prune`)',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted (tsbuild build and run need root)',
};

function systemErrorMessage(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !(code in SYSTEM_ERRORS)) return undefined;
  const where = (error as NodeJS.ErrnoException).path;
  return `${SYSTEM_ERRORS[code]} [${code}]${where ? `: ${where}` : ''}`;
}

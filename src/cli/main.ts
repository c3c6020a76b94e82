// The CLI: a thin adapter that turns flags into API options, prints errors once, and
// maps error codes to exit statuses.
import { Command, CommanderError, Option } from 'commander';
import { TsbuildError } from '../errors.js';
import { sweepLeftoverSecrets } from '../api/leftovers.js';
import { version } from '../api/version.js';
import { rootlessWanted, runInUserNamespace, watchRootlessParent } from '../api/rootless.js';
import { commandRegistrars } from './commands/index.js';
import { exitStatusFor, ExitStatus } from './exit-status.js';

function createProgram(): Command {
  const program = new Command('tsbuild')
    .description('Daemonless OCI image builder and Dockerfile compiler')
    .version(version().tsbuild, '-v, --version')
    .option('--debug', 'print the stack trace of an error')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  for (const register of commandRegistrars) configure(register(program));
  return program;
}

/**
 * Errors go through `main` (exit statuses of the README) for every command and subcommand, and
 * each accepts the global --debug after its name too (`main` reads it from argv, since parsing
 * may be what failed).
 */
function configure(command: Command): void {
  command.exitOverride().showHelpAfterError('(run with --help for usage)');
  if (!command.options.some((option) => option.long === '--debug')) command.addOption(new Option('--debug').hideHelp());
  for (const sub of command.commands) configure(sub);
}

/** Runs the CLI and resolves to the process exit status; never throws. */
export async function main(argv: string[]): Promise<number> {
  try {
    // Not root: the command runs again as root of a user namespace (rootless mode).
    if (rootlessWanted(argv)) return await runInUserNamespace(argv);
    watchRootlessParent();
    // Secrets a killed tsbuild left on the tmpfs go first, whatever the command.
    sweepLeftoverSecrets();
    await createProgram().parseAsync(argv);
    return ExitStatus.Ok;
  } catch (error) {
    return reportError(error, debugRequested(argv));
  }
}

/** `--debug` anywhere before a `--` (read from argv: parsing may be what failed). */
function debugRequested(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return argv.slice(2, end < 0 ? undefined : end).includes('--debug');
}

/** Prints `error` once and returns the exit status; a stack trace only with `debug`. */
export function reportError(error: unknown, debug: boolean): number {
  if (debug && error instanceof Error && !(error instanceof CommanderError) && error.stack) process.stderr.write(`${error.stack}\n`);
  return printError(error);
}

function printError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (or the help/version text).
    return error.exitCode === 0 ? ExitStatus.Ok : ExitStatus.Usage;
  }
  if (error instanceof TsbuildError) {
    process.stderr.write(`error: ${error.message}${error.cliHint ? ` (${error.cliHint})` : ''}\n`);
    return exitStatusFor(error.code);
  }
  const system = systemErrorMessage(error);
  if (system) {
    process.stderr.write(`error: ${system}\n`);
    return ExitStatus.Failure;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(
    `internal error: ${message}\n` +
      'this is a bug in tsbuild: please report it with the output of the same command run with --debug\n',
  );
  return ExitStatus.Internal;
}

/** Errors of the machine rather than of tsbuild (a full disk, permissions): said plainly. */
const SYSTEM_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on device (free some, or run `tsbuild prune`)',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
};

function systemErrorMessage(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !(code in SYSTEM_ERRORS)) return undefined;
  const where = (error as NodeJS.ErrnoException).path;
  return `${SYSTEM_ERRORS[code]} [${code}]${where ? `: ${where}` : ''}`;
}

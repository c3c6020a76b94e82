// How the action gets the privileges a build needs (namespaces, overlay mounts, chown): run the
// CLI directly as root, through passwordless `sudo` (GitHub-hosted runners), or as the runner user,
// where the CLI builds rootless in a user namespace of its own (docs/rootless.md).
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import { DEFAULT_PATH } from '../spec/index.js';
import type { RootlessInput } from './inputs.js';

/** `direct`: the CLI runs as the step's user: as root, or rootless as anyone else. */
export type Elevation = { kind: 'direct' } | { kind: 'sudo' };

export interface PrivilegeFacts {
  platform: NodeJS.Platform;
  uid: number;
  /** Whether `sudo -n -E true` succeeds; asked only when not root and sudo is allowed. */
  sudoWorks: () => boolean;
  /** The `rootless` input. */
  rootless: RootlessInput;
}

export function chooseElevation(facts: PrivilegeFacts): Elevation {
  if (facts.platform !== 'linux') {
    throw new TsbuildError('SANDBOX', `tsbuild builds on Linux runners only (this runner is ${facts.platform}); use runs-on: ubuntu-latest`);
  }
  if (facts.uid === 0 || facts.rootless === 'true') return { kind: 'direct' };
  if (facts.sudoWorks()) return { kind: 'sudo' };
  if (facts.rootless === 'auto') return { kind: 'direct' };
  throw new TsbuildError(
    'SANDBOX',
    `with "rootless: false" tsbuild needs root to build, but this step runs as uid ${facts.uid} and ` +
      'passwordless sudo is not available ("sudo -n -E true" failed). Run the job as root (e.g. in a ' +
      'container with "options: --user root"), on a runner whose user has passwordless sudo, or set ' +
      '"rootless: auto" to build as this user (docs/rootless.md lists what the host needs).',
  );
}

/** Probes with the flags the build will use: `-E` needs the SETENV right as well. */
export function sudoWorks(): boolean {
  const probe = spawnSync('sudo', ['-n', '-E', 'true'], { stdio: 'ignore', timeout: 10_000 });
  return probe.status === 0;
}

export interface CliCommand {
  command: string;
  args: string[];
}

/** The tsbuild root used under sudo: root's default, so later `sudo tsbuild` steps share it. */
export const ROOT_DEFAULT_STORE = '/var/lib/tsbuild';

/**
 * The process to spawn. Under sudo, `-E` keeps the step's environment (build-arg values, proxies,
 * SOURCE_DATE_EPOCH, SSH_AUTH_SOCK) and `env` pins what sudo's policy resets: PATH (secure_path)
 * and, through DOCKER_CONFIG, the credentials that docker/login-action wrote to the runner
 * user's ~/.docker while HOME may become /root.
 */
export function cliCommand(
  elevation: Elevation,
  run: { node: string; cli: string; argv: string[]; env: NodeJS.ProcessEnv },
): CliCommand {
  // `--`: Node scans its whole command line for --env-file; it must stop before the CLI's argv.
  const direct = ['--', run.cli, ...run.argv];
  switch (elevation.kind) {
    case 'direct':
      return { command: run.node, args: direct };
    case 'sudo': {
      const pinned = {
        PATH: run.env.PATH ?? DEFAULT_PATH,
        TSBUILD_ROOT: run.env.TSBUILD_ROOT || ROOT_DEFAULT_STORE,
        DOCKER_CONFIG: run.env.DOCKER_CONFIG || join(run.env.HOME || homedir(), '.docker'),
      };
      const assignments = Object.entries(pinned).map(([key, value]) => `${key}=${value}`);
      return { command: 'sudo', args: ['-n', '-E', '--', 'env', ...assignments, run.node, ...direct] };
    }
    default: {
      const unknown: never = elevation;
      return unknown;
    }
  }
}

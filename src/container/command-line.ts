// The command a container runs: the image's ENTRYPOINT and CMD combined with `--entrypoint` and
// the arguments after the image name, by Docker's rules.
import { TsbuildError } from '../errors.js';
import type { ContainerConfig } from '../oci/index.js';

export interface CommandOverrides {
  /** `--entrypoint`; `''` clears the image's ENTRYPOINT. Either way the image's CMD is dropped. */
  entrypoint?: string;
  /** Arguments after the image name; when present they replace the image's CMD. */
  args: readonly string[];
}

/**
 * Docker's merge (moby daemon/create merge + getEntrypointAndArgs): arguments replace CMD;
 * `--entrypoint X` becomes a one-element ENTRYPOINT and resets CMD; `--entrypoint ''` leaves no
 * ENTRYPOINT at all, so the arguments alone are the command.
 */
export function containerCommand(config: ContainerConfig | undefined, overrides: CommandOverrides): string[] {
  const args = [...overrides.args];
  let command: string[];
  if (overrides.entrypoint !== undefined) {
    command = overrides.entrypoint === '' ? args : [overrides.entrypoint, ...args];
  } else {
    const cmd = args.length > 0 ? args : (config?.Cmd ?? []);
    command = [...(config?.Entrypoint ?? []), ...cmd];
  }
  if (command.length === 0) {
    throw new TsbuildError('USAGE', 'no command specified: the image has no ENTRYPOINT or CMD, so give a command after the image name');
  }
  return command;
}

// `--security-opt` values of `tsbuild run`, with Docker's spelling. Supported: `seccomp=unconfined`
// (no syscall filter), `seccomp=default`, and `no-new-privileges` (always on in tsbuild run).
// A profile file (`seccomp=/path/profile.json`) is refused: the builtin sandbox has only its own
// compiled-in filter, and a profile honoured by one backend only would be a silent weakening.
import { TsbuildError } from '../errors.js';
import type { SeccompMode } from '../runtime-shim/index.js';

export interface SecurityOptions {
  seccomp: SeccompMode;
}

export function parseSecurityOpts(values: readonly string[]): SecurityOptions {
  const options: SecurityOptions = { seccomp: 'default' };
  for (const value of values) {
    const [key, setting] = splitOption(value);
    if (key === 'seccomp' && (setting === 'unconfined' || setting === 'default')) options.seccomp = setting;
    else if (key === 'seccomp') {
      throw new TsbuildError('USAGE', `security option ${value}: seccomp profile files are not supported; use seccomp=unconfined, or leave the default profile`);
    } else if (key === 'no-new-privileges' && (setting === undefined || setting === 'true')) continue;
    else throw new TsbuildError('USAGE', `security option ${value} is not supported (supported: seccomp=unconfined, seccomp=default, no-new-privileges)`);
  }
  return options;
}

/** `key=value`, Docker's older `key:value`, or a bare `key`. */
function splitOption(value: string): [string, string | undefined] {
  const at = value.search(/[=:]/);
  return at === -1 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}

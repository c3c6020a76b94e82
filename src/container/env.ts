// The container's environment: `-e` and `--env-file` parsed like the docker CLI, merged over the
// image's Env and Docker's defaults (PATH, HOSTNAME, TERM with a tty, HOME from the user).
import { TsbuildError } from '../errors.js';
import { DEFAULT_PATH } from '../spec/index.js';

/** Reads a variable of the environment tsbuild runs in. */
export type EnvLookup = (name: string) => string | undefined;

/**
 * One `-e` value: `K=V` as is; a bare `K` takes K's value from the host environment, or stays a
 * bare `K` (which unsets K in the container) when the host has no K.
 */
export function parseEnvFlag(value: string, lookup: EnvLookup): string {
  const eq = value.indexOf('=');
  const name = eq === -1 ? value : value.slice(0, eq);
  if (name === '') throw new TsbuildError('USAGE', `invalid environment variable: ${value}`);
  if (eq !== -1) return value;
  const hostValue = lookup(name);
  return hostValue === undefined ? name : `${name}=${hostValue}`;
}

/**
 * An `--env-file`: one `K=V` or bare `K` per line; blank lines and lines starting with `#` are
 * skipped, leading whitespace is trimmed, values are taken verbatim (no quotes, no expansion).
 */
export function parseEnvFile(text: string, file: string, lookup: EnvLookup): string[] {
  const entries: string[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trimStart();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq === -1 ? line.trimEnd() : line.slice(0, eq);
    const where = `${file}:${index + 1}`;
    if (name === '') throw new TsbuildError('USAGE', `${where}: no variable name on line "${line}"`);
    if (/\s/.test(name)) throw new TsbuildError('USAGE', `${where}: variable "${name}" contains whitespace`);
    entries.push(eq === -1 ? parseEnvFlag(name, lookup) : line);
  });
  return entries;
}

export interface ContainerEnvInput {
  /** The image config's Env. */
  imageEnv: readonly string[];
  /** `--env-file` entries, then `-e` entries, already parsed; later ones win. */
  userEnv: readonly string[];
  hostname: string;
  tty: boolean;
  /** The user's home directory, used for HOME when nothing sets it. */
  home: string;
}

/** The final `KEY=value` list: defaults, then the image's Env, then the user's; bare `K` unsets K. */
export function containerEnv(input: ContainerEnvInput): string[] {
  const vars = new Map<string, string | undefined>();
  const apply = (entry: string): void => {
    const eq = entry.indexOf('=');
    if (eq === -1) vars.set(entry, undefined);
    else vars.set(entry.slice(0, eq), entry.slice(eq + 1));
  };
  [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${input.hostname}`].forEach(apply);
  if (input.tty) apply('TERM=xterm');
  input.imageEnv.forEach(apply);
  input.userEnv.forEach(apply);
  if (vars.get('HOME') === undefined) vars.set('HOME', input.home);
  return [...vars].flatMap(([name, value]) => (value === undefined ? [] : [`${name}=${value}`]));
}

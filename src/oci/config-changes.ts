// `import --change`: the Dockerfile instructions `docker import -c` accepts, applied to the
// container config of an imported image (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL,
// USER, VOLUME, WORKDIR). Simple word splitting only: quotes are stripped, not interpreted.
import { TsbuildError } from '../errors.js';
import type { ContainerConfig } from '../spec/index.js';

export function applyConfigChange(config: ContainerConfig, change: string): ContainerConfig {
  const match = /^\s*(\w+)\s+([\s\S]*?)\s*$/.exec(change);
  if (!match) throw invalidChange(change, 'expected INSTRUCTION arguments');
  const [, keyword = '', args = ''] = match;
  switch (keyword.toUpperCase()) {
    case 'CMD':
      return { ...config, Cmd: commandForm(args) };
    case 'ENTRYPOINT':
      return { ...config, Entrypoint: commandForm(args) };
    case 'ENV':
      return { ...config, Env: mergeEnv(config.Env ?? [], keyValues(args, change)) };
    case 'LABEL':
      return { ...config, Labels: { ...config.Labels, ...Object.fromEntries(keyValues(args, change)) } };
    case 'EXPOSE':
      return { ...config, ExposedPorts: { ...config.ExposedPorts, ...Object.fromEntries(words(args).map((p) => [p.includes('/') ? p : `${p}/tcp`, {}])) } };
    case 'VOLUME':
      return { ...config, Volumes: { ...config.Volumes, ...Object.fromEntries(listForm(args).map((v) => [v, {}])) } };
    case 'USER':
      return { ...config, User: args };
    case 'WORKDIR':
      return { ...config, WorkingDir: args };
    case 'STOPSIGNAL':
      return { ...config, StopSignal: args };
    default:
      throw invalidChange(change, `${keyword.toUpperCase()} cannot be applied as a config change`);
  }
}

/** JSON exec form, or shell form run by `/bin/sh -c`. */
function commandForm(args: string): string[] {
  const json = jsonArray(args);
  return json ?? ['/bin/sh', '-c', args];
}

function listForm(args: string): string[] {
  return jsonArray(args) ?? words(args);
}

function jsonArray(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(args);
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  } catch {
    // not JSON: shell form
  }
  return undefined;
}

/** `k=v k2="v 2"` pairs, or the legacy `KEY value with spaces` form. */
function keyValues(args: string, change: string): [string, string][] {
  // Like Docker: the legacy form exactly when the first word has no `=`.
  const pairs = args.match(/[^\s=]+=(?:"[^"]*"|'[^']*'|\S*)/g);
  if (pairs && words(args)[0]?.includes('=')) return pairs.map((pair) => splitPair(pair));
  const [key, ...rest] = words(args);
  if (!key || rest.length === 0) throw invalidChange(change, 'expected KEY=VALUE');
  return [[key, rest.join(' ')]];
}

function splitPair(pair: string): [string, string] {
  const eq = pair.indexOf('=');
  return [pair.slice(0, eq), pair.slice(eq + 1).replace(/^(["'])([\s\S]*)\1$/, '$2')];
}

function mergeEnv(env: string[], updates: [string, string][]): string[] {
  const merged = new Map(env.map((entry) => [entry.split('=', 1)[0]!, entry]));
  for (const [key, value] of updates) merged.set(key, `${key}=${value}`);
  return [...merged.values()];
}

function words(args: string): string[] {
  return args.split(/\s+/).filter(Boolean);
}

function invalidChange(change: string, why: string): TsbuildError {
  return new TsbuildError('USAGE', `invalid config change "${change}": ${why}`);
}

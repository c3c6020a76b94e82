// Parses docker's comma-separated build flags (`--output`, `--secret`, `--ssh`, `--build-arg`)
// into typed build options.
import { TsbuildError } from '../errors.js';
import type { CacheExportSpec, CacheLocation, NamedContext, OutputSpec, RunLimits, SecretSource, SshForward } from '../executor/options.js';
import { parseMemorySize, parsePidsLimit } from '../container/sizes.js';

/** Splits `a=b,c="d,e"` into fields like Go's csv reader (docker uses one). */
export function parseCsvFields(value: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const field of splitCsv(value)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    if (key) fields[key] = eq < 0 ? '' : field.slice(eq + 1);
  }
  return fields;
}

function splitCsv(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '"' && quoted && value[i + 1] === '"') {
      current += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (quoted) throw usage(`unterminated quote in "${value}"`);
  out.push(current);
  return out.filter((f) => f.length > 0);
}

const usage = (message: string) => new TsbuildError('USAGE', message);

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === '' || value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw usage(`invalid boolean "${value}"`);
}

/** `--output type=oci,dest=x.tar`; a bare path means `type=local,dest=PATH`, `-` a tar to stdout. */
export function parseOutputFlag(value: string): OutputSpec {
  if (!value.includes('=')) {
    return value === '-' ? { type: 'tar', dest: '-' } : { type: 'local', dest: value };
  }
  const f = parseCsvFields(value);
  const compression = f.compression as 'gzip' | 'uncompressed' | undefined;
  if (compression && compression !== 'gzip' && compression !== 'uncompressed') {
    throw usage(`--output: compression "${compression}" is not supported (gzip, uncompressed)`);
  }
  const level = f['compression-level'] === undefined ? undefined : Number(f['compression-level']);
  const comp = { compression, compressionLevel: level };
  const dest = f.dest;
  switch (f.type) {
    case 'image':
    case 'registry':
      return { type: 'image', push: f.type === 'registry' || bool(f.push, false), names: f.name?.split(','), ...comp };
    case 'oci':
      return { type: 'oci', dest: required(dest, 'oci'), tar: bool(f.tar, true), ...comp };
    case 'docker':
      return { type: 'docker', dest: required(dest, 'docker'), ...comp };
    case 'local':
      return { type: 'local', dest: required(dest, 'local') };
    case 'tar':
      return { type: 'tar', dest: required(dest, 'tar') };
    case undefined:
      throw usage(`--output "${value}": missing type= (image, registry, oci, docker, local, tar)`);
    default:
      throw usage(`--output: unknown type "${f.type}" (image, registry, oci, docker, local, tar)`);
  }
}

function required(dest: string | undefined, type: string): string {
  if (!dest) throw usage(`--output type=${type} needs dest=PATH`);
  return dest;
}

/** `--secret id=x[,src=path|,env=VAR]`; `type=file|env` accepted as docker does. */
export function parseSecretFlag(value: string): SecretSource {
  const f = parseCsvFields(value);
  const id = f.id;
  if (!id) throw usage(`--secret "${value}": id= is required`);
  if (f.env !== undefined || f.type === 'env') return { id, env: f.env ?? f.src ?? id };
  const src = f.src ?? f.source;
  if (!src) return { id, env: id };
  return { id, src };
}

/** `--ssh default` or `--ssh id=/path/to/socket`. */
export function parseSshFlag(value: string): SshForward {
  const eq = value.indexOf('=');
  const id = eq < 0 ? value : value.slice(0, eq);
  const socket = eq < 0 ? process.env.SSH_AUTH_SOCK : value.slice(eq + 1);
  if (!socket) throw usage(`--ssh ${id}: no socket given and SSH_AUTH_SOCK is not set`);
  return { id, socket };
}

/** `--build-arg K=V`, or `--build-arg K` taking K from the environment (skipped when unset). */
export function parseKeyValueFlags(values: string[], env: NodeJS.ProcessEnv = process.env, flag = '--build-arg'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values) {
    const eq = item.indexOf('=');
    if (eq === 0) throw usage(`invalid ${flag} "${item}": expected KEY=VALUE`);
    if (eq > 0) out[item.slice(0, eq)] = item.slice(eq + 1);
    else if (env[item] !== undefined) out[item] = env[item] as string;
  }
  return out;
}

/** `--cache-from type=registry,ref=R` | `type=local,src=DIR` (a bare value is a registry ref). */
export function parseCacheFromFlag(value: string): CacheLocation {
  if (!value.includes('=')) return { type: 'registry', ref: value };
  const f = parseCsvFields(value);
  return cacheLocation(f, f.src, '--cache-from');
}

/** `--cache-to type=registry,ref=R[,mode=min|max]` | `type=local,dest=DIR[,mode=...]`. */
export function parseCacheToFlag(value: string): CacheExportSpec {
  const f = parseCsvFields(value.includes('=') ? value : `type=registry,ref=${value}`);
  const mode = f.mode ?? 'min';
  if (mode !== 'min' && mode !== 'max') throw usage(`--cache-to: mode must be min or max, got "${mode}"`);
  const cacheMounts = f['cache-mounts'] === undefined ? undefined : bool(f['cache-mounts'], false);
  return { location: cacheLocation(f, f.dest, '--cache-to'), mode, ...(cacheMounts ? { cacheMounts } : {}) };
}

function cacheLocation(f: Record<string, string>, dir: string | undefined, flag: string): CacheLocation {
  switch (f.type) {
    case 'registry':
      if (!f.ref) throw usage(`${flag} type=registry needs ref=REGISTRY/REPO:TAG`);
      return { type: 'registry', ref: f.ref };
    case 'local':
      if (!dir) throw usage(`${flag} type=local needs ${flag === '--cache-to' ? 'dest' : 'src'}=DIR`);
      return { type: 'local', dir };
    case 'inline':
    case 'gha':
    case 's3':
    case 'azblob':
      throw usage(`${flag} type=${f.type} is not supported by tsbuild yet (registry, local)`);
    default:
      throw usage(`${flag}: unknown type "${f.type ?? ''}" (registry, local)`);
  }
}

/** docker build's legacy resource flags (and `docker run`'s `--pids-limit`), as given on the command line. */
export interface LimitFlags {
  memory?: string;
  memorySwap?: string;
  cpuQuota?: string;
  cpuPeriod?: string;
  cpuShares?: string;
  cpusetCpus?: string;
  pidsLimit?: string;
}

/**
 * The limits of RUN steps. The sandbox limits memory (with no extra swap), a CFS quota and pids;
 * flags it cannot honour are refused rather than ignored.
 */
export function parseRunLimitFlags(flags: LimitFlags): RunLimits | undefined {
  if (flags.cpuShares !== undefined) throw usage('--cpu-shares is not supported by tsbuild yet (use --cpu-quota)');
  if (flags.cpusetCpus !== undefined) throw usage('--cpuset-cpus is not supported by tsbuild yet (use --cpu-quota)');
  const limits: RunLimits = {};
  if (flags.memory !== undefined) limits.memoryBytes = parseMemorySize(flags.memory);
  if (flags.memorySwap !== undefined) {
    if (limits.memoryBytes === undefined) throw usage('--memory-swap needs --memory');
    if (flags.memorySwap === '-1' || parseMemorySize(flags.memorySwap) !== limits.memoryBytes) {
      throw usage('--memory-swap other than --memory is not supported by tsbuild yet (RUN steps get no swap beyond --memory)');
    }
  }
  if (flags.cpuQuota !== undefined) {
    const period = flags.cpuPeriod === undefined ? 100_000 : microseconds(flags.cpuPeriod, '--cpu-period');
    limits.cpus = microseconds(flags.cpuQuota, '--cpu-quota') / period;
  }
  if (flags.pidsLimit !== undefined) limits.pidsLimit = parsePidsLimit(flags.pidsLimit) ?? 0;
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/** A CFS period or quota: 1000 µs to 1 s, as the kernel (and docker) accept. */
function microseconds(value: string, flag: string): number {
  const us = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(us >= 1000 && us <= 1_000_000)) throw usage(`invalid ${flag} "${value}": expected microseconds from 1000 to 1000000`);
  return us;
}

/**
 * `--build-context name=docker-image://ref` (repeatable). Directory, URL and oci-layout:// contexts
 * are refused rather than ignored.
 */
export function parseBuildContextFlags(values: string[]): Record<string, NamedContext> {
  const out: Record<string, NamedContext> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw usage(`invalid --build-context "${value}": expected NAME=VALUE`);
    const [name, source] = [value.slice(0, eq), value.slice(eq + 1)];
    if (!source.startsWith('docker-image://')) {
      throw usage(`--build-context ${name}=${source}: only docker-image:// contexts are supported by tsbuild yet`);
    }
    out[name] = { image: source.slice('docker-image://'.length) };
  }
  return out;
}

// Parses docker's comma-separated build flags (`--output`, `--secret`, `--ssh`, `--build-arg`)
// into typed build options.
import { TsbuildError } from '../errors.js';
import type { Annotation, AttestationRequest, CacheExportSpec, CacheLocation, NamedContext, OutputSpec, RunLimits, SecretSource, SshForward } from '../api/build.js';
import { bool, mergeAttestations, parseAnnotation, parseAttestation, parseCacheLocation, shorthandAttestation, parseMemorySize, parseOutput, parsePidsLimit } from '../api/parsers.js';

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

/** `--output type=oci,dest=x.tar`; a bare path means `type=local,dest=PATH`, `-` a tar to stdout. */
export function parseOutputFlag(value: string): OutputSpec {
  if (!value.includes('=')) {
    return value === '-' ? { type: 'tar', dest: '-' } : { type: 'local', dest: value };
  }
  return parseOutput(parseCsvFields(value), value);
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

/**
 * The build args of `build`, `plan` and `check` as buildx passes them: the `--build-arg`s, and
 * the environment's SOURCE_DATE_EPOCH as the build arg of that name when none of them sets it.
 */
export function parseBuildArgFlags(values: string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const args = parseKeyValueFlags(values, env);
  const epoch = env.SOURCE_DATE_EPOCH;
  return args.SOURCE_DATE_EPOCH === undefined && epoch !== undefined ? { ...args, SOURCE_DATE_EPOCH: epoch } : args;
}

/** `--cache-from type=registry,ref=R` | `type=local,src=DIR` | `type=s3,...` | `type=gha,...` (a bare value is a registry ref). */
export function parseCacheFromFlag(value: string): CacheLocation {
  if (!value.includes('=')) return { type: 'registry', ref: value };
  const f = parseCsvFields(value);
  return parseCacheLocation(f, '--cache-from');
}

/** `--cache-to type=registry,ref=R[,mode=min|max]` | `type=local,dest=DIR[,mode=...]` | s3, gha, inline; `ignore-error=true` for any. */
export function parseCacheToFlag(value: string): CacheExportSpec {
  const f = parseCsvFields(value.includes('=') ? value : `type=registry,ref=${value}`);
  const mode = f.mode ?? 'min';
  if (mode !== 'min' && mode !== 'max') throw usage(`--cache-to: mode must be min or max, got "${mode}"`);
  const cacheMounts = f['cache-mounts'] === undefined ? undefined : bool(f['cache-mounts'], false);
  const ignoreError = bool(f['ignore-error'], false);
  return { location: parseCacheLocation(f, '--cache-to'), mode, ...(cacheMounts ? { cacheMounts } : {}), ...(ignoreError ? { ignoreError } : {}) };
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
 * `--build-context name=VALUE` (repeatable), as buildx reads VALUE: `docker-image://ref`,
 * `oci-layout://path[:tag][@sha256:…]`, a URL (`https://`, `http://`, `git://`, `git@`), else a
 * local directory path.
 */
/** `--build-context` as `build`, `plan` and `check` declare it (parsed by parseBuildContextFlags). */
export const BUILD_CONTEXT_OPTION = {
  flags: '--build-context <name=value>',
  description: 'named context replacing the stage, FROM and --from of that name: name=DIR, name=https://URL, name=docker-image://REF, name=oci-layout://PATH[:TAG][@DIGEST] (repeatable)',
} as const;

export function parseBuildContextFlags(values: string[]): Record<string, NamedContext> {
  const out: Record<string, NamedContext> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw usage(`invalid --build-context "${value}": expected NAME=VALUE`);
    const [name, source] = [value.slice(0, eq), value.slice(eq + 1)];
    if (source === '') throw usage(`invalid --build-context "${value}": empty value`);
    out[name] = namedContextOf(name, source);
  }
  return out;
}

/** `--attest type=...` (repeatable), then `--provenance` and `--sbom`: a later request of a type replaces an earlier one. */
export function parseAttestFlags(attest: string[], provenance?: string, sbom?: string): AttestationRequest[] | undefined {
  const flags = attest.map((value) => parseAttestation(parseCsvFields(value), value));
  if (provenance !== undefined) flags.push(shorthandAttestation('provenance', provenance, parseCsvFields));
  if (sbom !== undefined) flags.push(shorthandAttestation('sbom', sbom, parseCsvFields));
  const requests = mergeAttestations(flags);
  return requests.length > 0 ? requests : undefined;
}

/** `--annotation` (repeatable). */
export function parseAnnotationFlags(values: string[]): Annotation[] | undefined {
  const annotations = values.flatMap(parseAnnotation);
  return annotations.length > 0 ? annotations : undefined;
}

function namedContextOf(name: string, source: string): NamedContext {
  if (source.startsWith('docker-image://')) return { image: source.slice('docker-image://'.length) };
  if (source.startsWith('oci-layout://')) {
    const [pathAndTag = '', digest] = source.slice('oci-layout://'.length).split('@', 2);
    const colon = pathAndTag.lastIndexOf(':');
    const [layout, tag] = colon > 0 ? [pathAndTag.slice(0, colon), pathAndTag.slice(colon + 1)] : [pathAndTag, undefined];
    return { ociLayout: layout, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
  }
  if (/^(https?:\/\/|git:\/\/|git@)/.test(source)) return { url: source };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) throw usage(`--build-context ${name}=${source}: unsupported context source ${source.split(':')[0]}`);
  return { dir: source };
}

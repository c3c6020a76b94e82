// `-v` and `--tmpfs` flag values parsed into typed mount requests, with Docker's validation.
import { isAbsolute, posix } from 'node:path';
import { TsbuildError } from '../errors.js';

/** `-v HOST:CTR[:ro|rw]` binds a host path; `-v CTR` asks for a fresh anonymous volume. */
export type VolumeSpec =
  | { kind: 'bind'; source: string; target: string; readonly: boolean }
  | { kind: 'anonymous'; target: string; readonly: boolean };

/** `--tmpfs PATH[:OPTIONS]`. */
export interface TmpfsSpec {
  target: string;
  readonly: boolean;
  /** tmpfs data options passed to the kernel (`size=64m`, `mode=1777`, `uid=`, `gid=`, ...). */
  options: string[];
}

const TMPFS_DATA_OPTIONS = new Set(['size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'huge']);

/** Parses one `-v` value: `CTR`, `HOST:CTR` or `HOST:CTR:MODES` (modes: ro, rw). */
export function parseVolumeFlag(text: string): VolumeSpec {
  const parts = text.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw invalidVolume(text, 'expected HOST:CONTAINER[:ro|rw] or CONTAINER');
  const modes = parts.length === 3 ? (parts[2] as string).split(',') : [];
  for (const mode of modes) {
    if (!['ro', 'rw'].includes(mode)) throw invalidVolume(text, `mode "${mode}" is not supported (use ro or rw)`);
  }
  const readonly = modes.includes('ro');
  if (readonly && modes.includes('rw')) throw invalidVolume(text, 'both ro and rw given');
  if (parts.length === 1) return { kind: 'anonymous', target: containerPath(parts[0] as string, text), readonly };
  const [source, target] = parts as [string, string];
  if (!isAbsolute(source)) {
    throw invalidVolume(text, `named volumes are not supported: "${source}" must be an absolute host path`);
  }
  return { kind: 'bind', source: posix.normalize(source), target: containerPath(target, text), readonly };
}

/** Parses one `--tmpfs` value: `PATH` or `PATH:OPT,OPT,...`. */
export function parseTmpfsFlag(text: string): TmpfsSpec {
  const colon = text.indexOf(':');
  const target = containerPath(colon === -1 ? text : text.slice(0, colon), text);
  const options: string[] = [];
  let readonly = false;
  for (const option of colon === -1 ? [] : text.slice(colon + 1).split(',').filter(Boolean)) {
    const key = option.split('=', 1)[0] as string;
    if (option === 'ro' || option === 'rw') readonly = option === 'ro';
    else if (option === 'nosuid' || option === 'nodev') continue; // always applied to tmpfs mounts
    else if (TMPFS_DATA_OPTIONS.has(key) && option.includes('=')) options.push(option);
    else throw new TsbuildError('USAGE', `tmpfs ${text}: option "${option}" is not supported (supported: ro, rw, nosuid, nodev, size=, mode=, uid=, gid=, nr_inodes=)`);
  }
  return { target, readonly, options };
}

/** Fails on two mounts at one container path, as Docker does ("Duplicate mount point"). */
export function checkDistinctTargets(targets: readonly string[]): void {
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target)) throw new TsbuildError('USAGE', `duplicate mount point: ${target}`);
    seen.add(target);
  }
}

/** An absolute container path other than `/`, normalised (no trailing slash, no `.`/`..`). */
export function containerPath(path: string, flag: string): string {
  if (!path.startsWith('/')) throw invalidVolume(flag, `container path "${path}" must be absolute`);
  const normal = posix.normalize(path).replace(/\/+$/, '');
  if (normal === '') throw invalidVolume(flag, 'the container path cannot be "/"');
  return normal;
}

function invalidVolume(text: string, why: string): TsbuildError {
  return new TsbuildError('USAGE', `invalid volume specification "${text}": ${why}`);
}

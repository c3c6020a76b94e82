// Runs native/build/tsbuild-fsutil (built by scripts/build-native.mjs), tsbuild's own helper for
// the file system calls Node has no binding for: xattrs, mknod, overlay mounts, flock. Using it
// instead of attr/util-linux/coreutils tools means a machine with Node and a C compiler suffices.
import { execFile, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TsbuildError } from '../errors.js';

/** `$TSBUILD_FSUTIL_HELPER`, else native/build/tsbuild-fsutil beside src/ or dist/. */
function fsutilPath(): string {
  const override = process.env['TSBUILD_FSUTIL_HELPER'];
  if (override) return override;
  // This module is src/oci/*.ts or dist/oci/*.js: two levels below the package root.
  return fileURLToPath(new URL('../../native/build/tsbuild-fsutil', import.meta.url));
}

/** Every extended attribute of a file, by name. */
export type Xattrs = Map<string, Buffer>;

/** Path relative to the dumped root ('' for the root) -> its attributes; files without any are absent. */
export type TreeXattrDump = Map<string, Xattrs>;

/** Reads every xattr under `root` (symlinks not followed, other mounts not entered). */
export async function dumpTreeXattrs(root: string): Promise<TreeXattrDump> {
  const output = await new Promise<Buffer>((resolve, reject) => {
    execFile(fsutilPath(), ['xattr-dump', root], { encoding: 'buffer', maxBuffer: 1 << 30 }, (error, stdout, stderr) => {
      if (error) reject(fsutilError(`read xattrs under ${root}`, error, stderr));
      else resolve(stdout);
    });
  });
  return parseDump(output);
}

export function dumpTreeXattrsSync(root: string): TreeXattrDump {
  return parseDump(runSync(['xattr-dump', root], `read xattrs under ${root}`, undefined, 1 << 30));
}

/** Sets one extended attribute on `path` itself (symlinks are not followed). */
export function setXattr(path: string, name: string, value: Buffer): void {
  runSync(['xattr-set', path, name], `set xattr ${name} on ${path}`, value);
}

/** Removes one extended attribute from `path` itself if present. */
export function removeXattr(path: string, name: string): void {
  runSync(['xattr-remove', path, name], `remove xattr ${name} from ${path}`);
}

export type SpecialNodeKind = 'char' | 'block' | 'fifo';

/** Creates a device node or fifo (needs root for devices), mode 0666 less the umask as mknod(1). */
export function makeNode(path: string, kind: SpecialNodeKind, major = 0, minor = 0): void {
  const type = kind === 'char' ? 'c' : kind === 'block' ? 'b' : 'p';
  runSync(['mknod', path, type, String(major), String(minor)], `create ${kind} node ${path}`);
}

/** Mounts overlayfs at `target`; relative directories in `options` resolve against `cwd`. */
export function mountOverlayFs(target: string, options: string, readOnly: boolean, cwd: string): void {
  runSync(['mount-overlay', target, options, readOnly ? 'ro' : 'rw'], `mount overlay at ${target}`, undefined, undefined, cwd);
}

/** Unmounts `target` (lazily if busy); a path that is not a mount point is left alone. */
export function unmountPath(target: string): void {
  runSync(['umount', target], `unmount ${target}`);
}

/**
 * Starts a child holding flock(LOCK_EX, or LOCK_SH when `shared`) on `path`; it prints "locked"
 * once it holds the lock and exits, releasing it, when its stdin closes (so also when this process dies).
 */
export function spawnLockHolder(path: string, shared = false): ChildProcessWithoutNullStreams {
  return spawn(fsutilPath(), ['lock', path, ...(shared ? ['shared'] : [])], { stdio: ['pipe', 'pipe', 'pipe'] });
}

function runSync(args: string[], what: string, input?: Buffer, maxBuffer = 1024 * 1024, cwd?: string): Buffer {
  const result = spawnSync(fsutilPath(), args, { input, maxBuffer, cwd });
  if (result.error) throw fsutilError(what, result.error, result.stderr);
  if (result.status !== 0) {
    throw new TsbuildError('STORE', `cannot ${what}: ${result.stderr.toString().trim() || `exit ${result.status}`}`);
  }
  return result.stdout;
}

export function fsutilError(what: string, error: Error, stderr?: Buffer | string): TsbuildError {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EACCES') {
    return missingHelper(error);
  }
  const detail = stderr?.toString().trim() || error.message;
  return new TsbuildError('STORE', `cannot ${what}: ${detail}`, { cause: error });
}

function missingHelper(cause: Error): TsbuildError {
  return new TsbuildError(
    'STORE',
    `the native helper ${fsutilPath()} is needed (built by \`npm ci\`, which needs a C compiler such as gcc: run \`node scripts/build-native.mjs\`)`,
    { cause },
  );
}

/** Parses xattr-dump's records: `p`, then `n` and `v` pairs, each a netstring (`<len>:<bytes>,`). */
function parseDump(output: Buffer): TreeXattrDump {
  const dump: TreeXattrDump = new Map();
  let at = 0;
  const field = (tag: string): Buffer => {
    if (String.fromCharCode(output[at] ?? 0) !== tag) throw badDump(at);
    const colon = output.indexOf(0x3a, at + 1);
    const length = Number(output.toString('latin1', at + 1, colon));
    const start = colon + 1;
    if (colon < 0 || !Number.isSafeInteger(length) || output[start + length] !== 0x2c) throw badDump(at);
    at = start + length + 1;
    return output.subarray(start, start + length);
  };
  let current: Xattrs | undefined;
  while (at < output.length) {
    if (output[at] === 0x70 /* p */) {
      current = new Map();
      dump.set(field('p').toString('utf8'), current);
      continue;
    }
    if (!current) throw badDump(at);
    const name = field('n').toString('utf8');
    current.set(name, Buffer.from(field('v')));
  }
  return dump;
}

function badDump(offset: number): TsbuildError {
  return new TsbuildError('INTERNAL', `tsbuild-fsutil xattr-dump output is malformed at byte ${offset}`);
}

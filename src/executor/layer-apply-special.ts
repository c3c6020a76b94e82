// File system calls Node has no API for (mknod, xattrs), made through small system tools.
import { spawnSync } from 'node:child_process';
import { TsbuildError } from '../errors.js';

export type SpecialNodeKind = 'char' | 'block' | 'fifo';

/** Creates a device node or fifo (needs root for devices). */
export function makeNode(path: string, kind: SpecialNodeKind, major = 0, minor = 0): void {
  const type = kind === 'char' ? 'c' : kind === 'block' ? 'b' : 'p';
  const args = kind === 'fifo' ? [path, type] : [path, type, String(major), String(minor)];
  runTool('mknod', args, `create ${kind} node ${path}`);
}

/** Sets one extended attribute on `path` itself (symlinks are not followed). */
export function setXattr(path: string, name: string, value: Buffer): void {
  runTool('setfattr', ['-h', '-n', name, '-v', `0s${value.toString('base64')}`, '--', path], `set xattr ${name} on ${path}`);
}

/** Removes one extended attribute if present. */
export function removeXattr(path: string, name: string): void {
  const result = spawnSync('setfattr', ['-h', '-x', name, '--', path], { encoding: 'utf8' });
  if (result.error) throw missingTool('setfattr', result.error);
  if (result.status !== 0 && !/No such attribute|No data available/.test(result.stderr)) {
    throw new TsbuildError('STORE', `cannot remove xattr ${name} from ${path}: ${result.stderr.trim()}`);
  }
}

/**
 * Lists the paths under `dir` (recursively, not following symlinks) that carry attribute `name`
 * with its value, in one `getfattr` run.
 */
export function findXattr(dir: string, name: string): Map<string, string> {
  const result = spawnSync('getfattr', ['-R', '-P', '--absolute-names', '-n', name, dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw missingTool('getfattr', result.error);
  return parseGetfattr(result.stdout, name);
}

function parseGetfattr(output: string, name: string): Map<string, string> {
  const found = new Map<string, string>();
  let file: string | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith('# file: ')) file = unescapeOctal(line.slice('# file: '.length));
    else if (file !== undefined && line.startsWith(`${name}=`)) {
      found.set(file, line.slice(name.length + 1).replace(/^"|"$/g, ''));
    }
  }
  return found;
}

function unescapeOctal(text: string): string {
  return Buffer.from(
    text.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8))),
    'latin1',
  ).toString('utf8');
}

function runTool(tool: string, args: string[], what: string): void {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  if (result.error) throw missingTool(tool, result.error);
  if (result.status !== 0) {
    throw new TsbuildError('STORE', `cannot ${what}: ${tool} exited ${result.status}: ${result.stderr.trim()}`);
  }
}

function missingTool(tool: string, cause: Error): TsbuildError {
  const pkg = tool === 'mknod' ? 'coreutils' : 'attr';
  return new TsbuildError('STORE', `${tool} is needed for layer unpacking (install the ${pkg} package)`, { cause });
}

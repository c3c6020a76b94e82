// Reads extended attributes of a whole tree with one `getfattr -R` process (Node has no
// getxattr binding): the xattrs worth keeping in a layer, and overlayfs opaque-dir markers.
import { execFile } from 'node:child_process';
import { relative } from 'node:path';
import { promisify } from 'node:util';
import { TsbuildError } from '../errors.js';

const run = promisify(execFile);

/** Kept in layers, like BuildKit: file capabilities and user namespace attributes. */
const KEPT_XATTRS = /^(security\.capability|user\.(?!overlay\.).+)$/;
const OPAQUE_XATTRS = new Set(['trusted.overlay.opaque', 'user.overlay.opaque']);

export interface TreeXattrs {
  /** Archive path -> attributes to write as PAX `SCHILY.xattr.*` records. */
  xattrs: Map<string, Record<string, Buffer>>;
  /** Archive paths of directories marked opaque by overlayfs. */
  opaqueDirs: Set<string>;
}

export async function readTreeXattrs(root: string): Promise<TreeXattrs> {
  let stdout: string;
  try {
    ({ stdout } = await run('getfattr', ['-R', '-P', '-h', '--absolute-names', '-d', '-m', '-', '-e', 'base64', root], {
      maxBuffer: 1 << 30,
    }));
  } catch (error) {
    const { code, stdout: partial } = error as { code?: string | number; stdout?: string };
    if (code === 'ENOENT') throw new TsbuildError('STORE', 'getfattr (package attr) is needed to read xattrs of layer files');
    // getfattr exits 1 when some file had no readable attributes; its output is still complete.
    if (typeof partial !== 'string') throw error;
    stdout = partial;
  }
  return parseGetfattr(stdout, root);
}

function parseGetfattr(output: string, root: string): TreeXattrs {
  const result: TreeXattrs = { xattrs: new Map(), opaqueDirs: new Set() };
  let path: string | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith('# file: ')) {
      path = relative(root, unescapeGetfattr(line.slice('# file: '.length)));
      continue;
    }
    const eq = line.indexOf('=');
    if (path === undefined || eq < 0) continue;
    const key = line.slice(0, eq);
    const value = decodeValue(line.slice(eq + 1));
    if (OPAQUE_XATTRS.has(key) && value.toString() === 'y') result.opaqueDirs.add(path);
    else if (KEPT_XATTRS.test(key) && path !== '') {
      result.xattrs.set(path, { ...result.xattrs.get(path), [key]: value });
    }
  }
  return result;
}

function decodeValue(text: string): Buffer {
  if (text.startsWith('0s')) return Buffer.from(text.slice(2), 'base64');
  if (text.startsWith('"')) return Buffer.from(text.slice(1, -1));
  return Buffer.from(text);
}

/** getfattr escapes unusual bytes in file names as `\ooo` octal. */
function unescapeGetfattr(text: string): string {
  const bytes = Buffer.from(text.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8))), 'latin1');
  return bytes.toString('utf8');
}

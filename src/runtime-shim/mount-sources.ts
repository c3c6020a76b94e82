// Bind sources inside another root (Mount.sourceRoot) for runtimes that take a path (runc). The
// builtin helper resolves them itself with openat2(RESOLVE_IN_ROOT). Here each source is resolved
// inside its root, opened O_PATH|O_NOFOLLOW, bind-mounted on a staging path in the run dir, and the
// staged inode compared with the opened one: a symlink in the root, or a path component swapped by
// a concurrent step, can never make runc mount a host path. (runc cannot take /proc/<pid>/fd/<n>
// itself: it mounts from its own mount namespace, and the kernel refuses a bind of another one's.)
import { execFile } from 'node:child_process';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readlinkSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TsbuildError } from '../errors.js';
import { resolveInRoot } from '../fs/index.js';
import type { Mount } from './spec.js';

const run = promisify(execFile);

/** Linux's O_PATH (the same on x86_64 and aarch64); Node does not export it. */
const O_PATH = 0o10000000;

export interface StagedMountSources {
  /** The mounts with every `sourceRoot` source replaced by its staged host path. */
  mounts: Mount[];
  /** Unmounts the staged sources. */
  release(): Promise<void>;
}

export async function stageMountSources(mounts: Mount[], stagingDir: string): Promise<StagedMountSources> {
  const staged: string[] = [];
  const release = async (): Promise<void> => {
    for (const path of staged.splice(0).reverse()) await run('umount', [path]);
  };
  try {
    const out: Mount[] = [];
    for (const m of mounts) {
      if (m.type !== 'bind' || m.sourceRoot === undefined) {
        out.push(m);
        continue;
      }
      const path = join(stagingDir, `source-${staged.length}`);
      await stageSource(m.sourceRoot, m.source ?? '.', path, () => staged.push(path));
      out.push({ type: m.type, source: path, target: m.target, readonly: m.readonly, options: m.options });
    }
    return { mounts: out, release };
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
}

async function stageSource(root: string, path: string, staging: string, mounted: () => void): Promise<void> {
  const fd = openInRoot(root, path);
  try {
    const opened = fstatSync(fd);
    if (opened.isDirectory()) mkdirSync(staging);
    else writeFileSync(staging, '');
    const hostPath = readlinkSync(`/proc/self/fd/${fd}`);
    await run('mount', ['--bind', hostPath, staging]).catch((error: Error) => {
      throw new TsbuildError('SANDBOX', `cannot stage bind source ${path} of ${root}: ${error.message}`, { cause: error });
    });
    mounted();
    const staged = statSync(staging);
    if (staged.dev !== opened.dev || staged.ino !== opened.ino) {
      throw new TsbuildError('SANDBOX', `bind source ${path} in ${root} changed while it was being mounted`);
    }
  } finally {
    closeSync(fd);
  }
}

/** An O_PATH fd of `path` inside `root`, checked to be the file the in-root resolution named. */
function openInRoot(root: string, path: string): number {
  const rootPath = realpathSync(root);
  const hostPath = resolveInRoot(rootPath, path, true);
  let fd: number;
  try {
    fd = openSync(hostPath, O_PATH | constants.O_NOFOLLOW);
  } catch (error) {
    throw new TsbuildError('SANDBOX', `bind source ${path} in ${root}: ${(error as Error).message}`, { cause: error });
  }
  // A directory on the way swapped for a symlink between resolving and opening shows here.
  if (readlinkSync(`/proc/self/fd/${fd}`) !== hostPath) {
    closeSync(fd);
    throw new TsbuildError('SANDBOX', `bind source ${path} in ${root} changed while it was opened`);
  }
  return fd;
}

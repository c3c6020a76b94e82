// Turns a RUN's planned mounts (bind, cache, tmpfs, secret, ssh) into sandbox mounts, and says
// what they read from the context for the cache key. Secrets never reach keys or layers.
import { atStep, withLocation } from './step-location.js';
import { createHash } from 'node:crypto';
import {
  chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { contentDigest } from '../context/digest.js';
import { selectSources } from '../context/select.js';
import { TsbuildError } from '../errors.js';
import { acquireFileLock, type FileLock } from '../fs/locks.js';
import type { ExecOp, PlannedMount, Step } from '../planner/types.js';
import { createPrivateDir } from '../runtime-shim/private-tmpfs.js';
import type { Mount } from '../runtime-shim/spec.js';
import { resolveInRoot } from '../oci/layer-apply-rootpath.js';
import { ensureSnapshots, resultOf } from './layer-step.js';
import { hashSelected, type BuildSession } from './session.js';

/** Mounts ready for the sandbox plus what to undo afterwards. */
export interface PreparedMounts {
  mounts: Mount[];
  /** Extra env entries (secrets with `env=`, `SSH_AUTH_SOCK`). */
  env: string[];
  release(): void;
}

/** Context content read through `--mount=type=bind` (no `from`), for the cache key. */
export async function contextMountDigests(session: BuildSession, step: Step, op: ExecOp): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const mount of op.mounts) {
    if (mount.type !== 'bind' || mount.from.kind !== 'context') continue;
    const entries = await session.contextEntries();
    const selection = withLocation(step, () => selectSources(entries, [mount.source]));
    await hashSelected(session, selection.entries);
    digests[`context:${mount.target}`] = contentDigest(selection);
  }
  return digests;
}

export async function prepareMounts(session: BuildSession, step: Step, op: ExecOp, scratch: string): Promise<PreparedMounts> {
  const prepared: PreparedMounts = { mounts: [], env: [], release: () => undefined };
  const undo: (() => void)[] = [];
  prepared.release = () => undo.splice(0).reverse().forEach((fn) => fn());
  try {
    for (const mount of op.mounts) await addMount(session, step, mount, scratch, prepared, undo);
    if (op.files.length > 0) prepared.mounts.push(...heredocMounts(op, scratch));
    return prepared;
  } catch (error) {
    prepared.release();
    throw atStep(step, error);
  }
}

async function addMount(
  session: BuildSession, step: Step, mount: PlannedMount, scratch: string, out: PreparedMounts, undo: (() => void)[],
): Promise<void> {
  switch (mount.type) {
    case 'bind':
      out.mounts.push(await bindMount(session, mount, scratch, undo));
      return;
    case 'cache':
      out.mounts.push(await cacheMount(session, step, mount, undo));
      return;
    case 'tmpfs':
      out.mounts.push({ type: 'tmpfs', target: mount.target, options: mount.size ? [`size=${mount.size}`] : [] });
      return;
    case 'secret':
      return secretMount(session, mount, out, undo);
    case 'ssh':
      return sshMount(session, mount, out);
    default: {
      const unknown: never = mount;
      throw new TsbuildError('INTERNAL', `unknown mount ${JSON.stringify(unknown)}`);
    }
  }
}

async function bindMount(
  session: BuildSession, mount: Extract<PlannedMount, { type: 'bind' }>, scratch: string, undo: (() => void)[],
): Promise<Mount> {
  // Writes to a bind mount are discarded after the step, as in BuildKit: rw mounts get a copy.
  const copy = path.join(scratch, `bind-${createHash('sha256').update(mount.target).digest('hex').slice(0, 12)}`);
  const readonly = !mount.readwrite;
  if (mount.from.kind === 'context') {
    return { type: 'bind', ...(await contextBindSource(session, mount.source, copy, mount.readwrite)), target: mount.target, readonly };
  }
  const layers = resultOf(session, mount.from.step).layers;
  const view = session.snapshots.prepareRootfs(await ensureSnapshots(session, layers), { writable: false });
  undo.push(() => view.cleanup());
  // Symlinks in the stage resolve inside it (BuildKit's fs.RootPath); the sandbox resolves it again race-free.
  const source = existingInRoot(view.rootfs, mount.source, 'in the mounted stage');
  if (mount.readwrite) {
    cpSync(source, copy, { recursive: true, verbatimSymlinks: true });
    return { type: 'bind', ...inScratch(copy), target: mount.target, readonly };
  }
  return { type: 'bind', sourceRoot: view.rootfs, source: mount.source, target: mount.target, readonly };
}

/** The host path of `relative` inside `root` (symlinks followed inside it); NOT_FOUND when missing. */
function existingInRoot(root: string, relative: string, where: string): string {
  const resolved = resolveInRoot(root, relative, true);
  if (!existsSync(resolved)) throw new TsbuildError('NOT_FOUND', `RUN --mount source "${relative}" not found ${where}`);
  return resolved;
}

/** A bind source tsbuild made in its scratch dir, named by its parent so it cannot lead elsewhere. */
function inScratch(file: string): Pick<Mount, 'source' | 'sourceRoot'> {
  return { sourceRoot: path.dirname(file), source: path.basename(file) };
}

/**
 * The context directory or file to bind, as BuildKit sends the context: without the
 * .dockerignore'd entries. It is bound in place when nothing below it is ignored and no copy is
 * asked for; otherwise the selected entries are copied to `target` (in the step's scratch dir).
 * Either way the source is named inside its root, so a context symlink never leads to a host path.
 */
async function contextBindSource(
  session: BuildSession, source: string, target: string, forceCopy: boolean,
): Promise<Pick<Mount, 'source' | 'sourceRoot'>> {
  const selection = selectSources(await session.contextEntries(), [source]);
  const base = selection.roots[0]?.entry.path ?? '';
  const onDisk = resolveInRoot(session.contextDir, base, true);
  const below = selection.entries.filter((e) => e.path !== base);
  const isDir = statSync(onDisk).isDirectory();
  if (!forceCopy && (!isDir || countTree(onDisk) === below.length)) return { sourceRoot: session.contextDir, source: base || '.' };
  if (!isDir) {
    cpSync(onDisk, target, { preserveTimestamps: true });
    return inScratch(target);
  }
  mkdirSync(target, { recursive: true });
  for (const entry of below) {
    const from = path.join(session.contextDir, entry.path);
    const to = path.join(target, base === '' ? entry.path : entry.path.slice(base.length + 1));
    if (entry.type === 'dir') {
      mkdirSync(to, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(to), { recursive: true });
    if (entry.type === 'symlink') symlinkSync(entry.linkTarget!, to);
    else if (entry.type === 'file') cpSync(from, to, { preserveTimestamps: true });
  }
  return inScratch(target);
}

/** Entries below `dir` on disk (symlinks not followed). */
function countTree(dir: string): number {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    count += 1;
    if (entry.isDirectory()) count += countTree(path.join(dir, entry.name));
  }
  return count;
}

async function cacheMount(
  session: BuildSession, step: Step, mount: Extract<PlannedMount, { type: 'cache' }>, undo: (() => void)[],
): Promise<Mount> {
  if (mount.from) {
    throw new TsbuildError('DOCKERFILE_UNSUPPORTED', `${step.file}:${step.range?.start.line ?? 0}: RUN --mount=type=cache,from= is not supported by tsbuild yet`);
  }
  const dirName = createHash('sha256').update(mount.id).digest('hex');
  const dir = path.join(session.layout.cache, 'mounts', dirName);
  await session.lease.add([{ kind: 'mount', id: dirName }]); // before it is looked at: prune keeps it
  if (!existsSync(dir)) {
    const imported = session.importedCacheMounts.get(mount.id);
    if (imported) await imported.restore(dir);
    mkdirSync(dir, { recursive: true });
    if (!imported) {
      chmodSync(dir, mount.mode);
      chownSync(dir, mount.uid, mount.gid);
    }
  }
  session.usedCacheMounts.set(mount.id, dir);
  if (mount.sharing !== 'shared') {
    // `private` would get a fresh instance while one is in use; tsbuild waits for it instead.
    const lock: FileLock = await acquireFileLock(`${dir}.lock`);
    undo.push(() => void lock.release());
  }
  // `source` is a subdirectory of the cache, resolved inside it: an earlier step may have left symlinks there.
  existingInRoot(dir, mount.source, `in cache mount ${mount.id}`);
  return { type: 'bind', sourceRoot: dir, source: mount.source, target: mount.target, readonly: mount.readonly };
}

function secretMount(
  session: BuildSession, mount: Extract<PlannedMount, { type: 'secret' }>, out: PreparedMounts, undo: (() => void)[],
): void {
  const source = session.options.secrets?.find((s) => s.id === mount.id);
  if (!source) {
    if (mount.required) throw new TsbuildError('USAGE', `secret ${mount.id}: not found (required: pass --secret id=${mount.id},src=FILE)`);
    return;
  }
  const value = 'src' in source ? readFileSync(source.src) : Buffer.from(process.env[source.env] ?? '');
  if (mount.env) out.env.push(`${mount.env}=${value.toString('utf8')}`);
  if (mount.env && !mount.target) return;
  // On a tmpfs, never the store's disk: a crash leaves it only in RAM, which the next tsbuild sweeps.
  const dir = createPrivateDir();
  undo.push(() => dir.remove());
  const file = path.join(dir.path, createHash('sha256').update(mount.id).digest('hex'));
  writeFileSync(file, value, { mode: mount.mode });
  chownSync(file, mount.uid, mount.gid);
  out.mounts.push({ type: 'bind', source: file, target: mount.target ?? `/run/secrets/${mount.id}`, readonly: true });
}

function sshMount(session: BuildSession, mount: Extract<PlannedMount, { type: 'ssh' }>, out: PreparedMounts): void {
  const forward = session.options.ssh?.find((s) => s.id === mount.id);
  if (!forward) {
    if (mount.required) throw new TsbuildError('USAGE', `ssh agent ${mount.id} is required: pass --ssh ${mount.id}`);
    return;
  }
  out.mounts.push({ type: 'bind', source: forward.socket, target: mount.target, readonly: false });
  out.env.push(`SSH_AUTH_SOCK=${mount.target}`);
}

/** Heredoc scripts (`/dev/pipes/EOF`) live in a scratch dir bound over their directory. */
function heredocMounts(op: ExecOp, scratch: string): Mount[] {
  const byDir = new Map<string, string>();
  for (const file of op.files) {
    const dir = path.posix.dirname(file.path);
    const hostDir = byDir.get(dir) ?? path.join(scratch, `files-${byDir.size}`);
    byDir.set(dir, hostDir);
    mkdirSync(hostDir, { recursive: true });
    writeFileSync(path.join(hostDir, path.posix.basename(file.path)), file.content, { mode: file.mode });
  }
  return [...byDir].map(([target, source]) => ({ type: 'bind', source, target, readonly: true }));
}

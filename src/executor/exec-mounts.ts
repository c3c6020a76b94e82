// Turns a RUN's planned mounts (bind, cache, tmpfs, secret, ssh) into sandbox mounts, and says
// what they read from the context for the cache key. Secrets never reach keys or layers.
import { atStep, withLocation } from './step-location.js';
import { createHash } from 'node:crypto';
import {
  chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { contentDigest, selectSources } from '../context/index.js';
import { TsbuildError } from '../errors.js';
import { acquireFileLock, tempPathBeside, type FileLock } from '../fs/index.js';
import type { ExecOp, PlannedMount, Step } from '../planner/index.js';
import { createPrivateDir } from '../runtime-shim/index.js';
import type { Mount } from '../runtime-shim/index.js';
import { resolveInRoot } from '../oci/index.js';
import { ensureSnapshots, useCache } from './layer-step.js';
import { hashSelected, type BuildContext } from './context.js';
import type { BuildState } from './state.js';
import { serveSshAgent } from './ssh-proxy.js';
import { treeContentDigest } from './tree-digest.js';

/** Mounts ready for the sandbox plus what to undo afterwards. */
export interface PreparedMounts {
  mounts: Mount[];
  /** Extra env entries (secrets with `env=`, `SSH_AUTH_SOCK`). */
  env: string[];
  release(): void;
}

/**
 * Content read through `--mount=type=bind`, for the cache key: the context's, and a stage's
 * subdirectory (`from=stage,source=sub`) whose content stands in for the stage's key, so a change
 * elsewhere in the stage keeps the RUN cached (BuildKit keys such a mount on its selector's content).
 */
export async function contextMountDigests(ctx: BuildContext, state: BuildState, step: Step, op: ExecOp): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const mount of op.mounts) {
    if (mount.type !== 'bind') continue;
    if (mount.from.kind === 'step') {
      if (subpathOnlyInputs(op).has(mount.from.step) && mount.from.step !== step.inputs[0]) digests[`step:${mount.target}`] = await stageSubtreeDigest(ctx, state, step, mount.from.step, mount.source);
      continue;
    }
    const entries = await ctx.contextEntries();
    const selection = withLocation(step, () => selectSources(entries, [mount.source]));
    await hashSelected(ctx, selection.entries);
    digests[`context:${mount.target}`] = contentDigest(selection);
  }
  return digests;
}

/** Steps this RUN reads only through bind mounts of a subdirectory: their content, not their key, counts. */
export function subpathOnlyInputs(op: ExecOp): Set<string> {
  const whole = new Set<string>();
  const subpath = new Set<string>();
  for (const mount of op.mounts) {
    if (!('from' in mount) || !mount.from || mount.from.kind !== 'step') continue;
    const isSubpath = mount.type === 'bind' && path.posix.join('/', mount.source) !== '/';
    (isSubpath ? subpath : whole).add(mount.from.step);
  }
  return new Set([...subpath].filter((id) => !whole.has(id)));
}

/** A digest of what `source` holds in a step's rootfs: names, types, modes, owners, contents, link targets. */
async function stageSubtreeDigest(ctx: BuildContext, state: BuildState, step: Step, stepId: string, source: string): Promise<string> {
  const view = ctx.snapshots.prepareRootfs(await ensureSnapshots(ctx, state.resultOf(stepId).layers), { writable: false });
  try {
    const dir = withLocation(step, () => existingInRoot(view.rootfs, source, 'in the mounted stage'));
    return treeContentDigest(view.rootfs, [{ pattern: source, paths: [path.relative(view.rootfs, dir) || '.'] }]);
  } finally {
    view.cleanup();
  }
}

export async function prepareMounts(ctx: BuildContext, state: BuildState, step: Step, op: ExecOp, scratch: string): Promise<PreparedMounts> {
  const prepared: PreparedMounts = { mounts: [], env: [], release: () => undefined };
  const undo: (() => void)[] = [];
  prepared.release = () => undo.splice(0).reverse().forEach((fn) => fn());
  try {
    for (const mount of op.mounts) await addMount(ctx, state, step, mount, scratch, prepared, undo);
    if (op.files.length > 0) prepared.mounts.push(...heredocMounts(op, scratch));
    return prepared;
  } catch (error) {
    prepared.release();
    throw atStep(step, error);
  }
}

async function addMount(
  ctx: BuildContext, state: BuildState, step: Step, mount: PlannedMount, scratch: string, out: PreparedMounts, undo: (() => void)[],
): Promise<void> {
  switch (mount.type) {
    case 'bind':
      out.mounts.push(await bindMount(ctx, state, mount, scratch, undo));
      return;
    case 'cache':
      out.mounts.push(await cacheMount(ctx, state, step, mount, undo));
      return;
    case 'tmpfs':
      out.mounts.push({ type: 'tmpfs', target: mount.target, options: mount.size ? [`size=${mount.size}`] : [] });
      return;
    case 'secret':
      return secretMount(ctx, mount, out, undo);
    case 'ssh':
      return sshMount(ctx, mount, out, undo);
    default: {
      const unknown: never = mount;
      throw new TsbuildError('INTERNAL', `unknown mount ${JSON.stringify(unknown)}`);
    }
  }
}

async function bindMount(
  ctx: BuildContext, state: BuildState, mount: Extract<PlannedMount, { type: 'bind' }>, scratch: string, undo: (() => void)[],
): Promise<Mount> {
  // Writes to a bind mount are discarded after the step, as in BuildKit: rw mounts get a copy.
  const copy = path.join(scratch, `bind-${createHash('sha256').update(mount.target).digest('hex').slice(0, 12)}`);
  const readonly = !mount.readwrite;
  if (mount.from.kind === 'context') {
    return { type: 'bind', ...(await contextBindSource(ctx, mount.source, copy, mount.readwrite)), target: mount.target, readonly };
  }
  const layers = state.resultOf(mount.from.step).layers;
  const view = ctx.snapshots.prepareRootfs(await ensureSnapshots(ctx, layers), { writable: false });
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
  ctx: BuildContext, source: string, target: string, forceCopy: boolean,
): Promise<Pick<Mount, 'source' | 'sourceRoot'>> {
  const selection = selectSources(await ctx.contextEntries(), [source]);
  const base = selection.roots[0]?.entry.path ?? '';
  const onDisk = resolveInRoot(ctx.contextDir, base, true);
  const below = selection.entries.filter((e) => e.path !== base);
  const isDir = statSync(onDisk).isDirectory();
  if (!forceCopy && (!isDir || countTree(onDisk) === below.length)) return { sourceRoot: ctx.contextDir, source: base || '.' };
  if (!isDir) {
    cpSync(onDisk, target, { preserveTimestamps: true });
    return inScratch(target);
  }
  mkdirSync(target, { recursive: true });
  for (const entry of below) {
    const from = path.join(ctx.contextDir, entry.path);
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
  ctx: BuildContext, state: BuildState, step: Step, mount: Extract<PlannedMount, { type: 'cache' }>, undo: (() => void)[],
): Promise<Mount> {
  if (mount.from) {
    throw new TsbuildError('DOCKERFILE_UNSUPPORTED', `${step.file}:${step.range?.start.line ?? 0}: RUN --mount=type=cache,from= is not supported by tsbuild yet`);
  }
  // As in BuildKit, an owner or mode other than root's 0755 makes another instance of the cache
  // (its key names the base that created the directory), so each instance has the owner it asks for.
  const owned = mount.uid !== 0 || mount.gid !== 0 || mount.mode !== 0o755;
  const instance = owned ? `${mount.id}\0${mount.uid}:${mount.gid}:${mount.mode.toString(8)}` : mount.id;
  const dirName = createHash('sha256').update(instance).digest('hex');
  const dir = path.join(ctx.layout.cache, 'mounts', dirName);
  // BuildKit prunes the cache mounts of the steps whose cache a build ignores (--no-cache,
  // --no-cache-filter) before it starts: such a step finds its cache mount empty. Once per build
  // and id, decided before any await; every step of this build using the id waits for it.
  if (!state.prunedCacheMounts.has(mount.id) && !useCache(ctx, step) && !state.usedCacheMounts.has(mount.id)) {
    state.prunedCacheMounts.set(mount.id, ctx.lease.add([{ kind: 'mount', id: dirName }]).then(() => emptyCacheMount(dir)));
  }
  await ctx.lease.add([{ kind: 'mount', id: dirName }]); // before it is looked at: prune keeps it
  const pruned = state.prunedCacheMounts.get(mount.id);
  await pruned;
  if (!existsSync(dir)) {
    const restoreImported = pruned ? undefined : state.cache.importedMount(mount.id);
    if (restoreImported) await restoreImported(dir);
    mkdirSync(dir, { recursive: true });
    if (!restoreImported) {
      chmodSync(dir, mount.mode);
      chownSync(dir, mount.uid, mount.gid);
    }
  }
  state.usedCacheMounts.set(mount.id, dir);
  if (mount.sharing !== 'shared') {
    // `private` would get a fresh instance while one is in use; tsbuild waits for it instead.
    const lock: FileLock = await acquireFileLock(`${dir}.lock`);
    undo.push(() => void lock.release());
  }
  // `source` is a subdirectory of the cache, resolved inside it: an earlier step may have left symlinks there.
  existingInRoot(dir, mount.source, `in cache mount ${mount.id}`);
  return { type: 'bind', sourceRoot: dir, source: mount.source, target: mount.target, readonly: mount.readonly };
}

/** Removes a cache mount's directory; moved away first, so a build using it now keeps its files. */
function emptyCacheMount(dir: string): void {
  if (!existsSync(dir)) return;
  const removed = tempPathBeside(dir);
  renameSync(dir, removed);
  rmSync(removed, { recursive: true, force: true });
}

function secretMount(
  ctx: BuildContext, mount: Extract<PlannedMount, { type: 'secret' }>, out: PreparedMounts, undo: (() => void)[],
): void {
  const source = ctx.options.secrets?.find((s) => s.id === mount.id);
  if (!source) {
    if (mount.required) throw new TsbuildError('USAGE', `secret ${mount.id}: not found (the RUN requires it: provide a secret with id ${mount.id})`, { cliHint: `--secret id=${mount.id},src=FILE` });
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

async function sshMount(
  ctx: BuildContext, mount: Extract<PlannedMount, { type: 'ssh' }>, out: PreparedMounts, undo: (() => void)[],
): Promise<void> {
  const forward = ctx.options.ssh?.find((s) => s.id === mount.id);
  if (!forward) {
    if (mount.required) throw new TsbuildError('USAGE', `ssh agent ${mount.id} is required: forward an SSH agent socket or key with id ${mount.id}`, { cliHint: `--ssh ${mount.id}` });
    return;
  }
  const proxy = await serveSshAgent(forward.socket, mount);
  undo.push(() => proxy.close());
  out.mounts.push({ type: 'bind', source: proxy.socket, target: mount.target, readonly: false });
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

// Runs COPY/ADD and WORKDIR steps: sources resolved and hashed first (for the cache key), then
// copied into a writable rootfs over the parent's layers.
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ownerToken } from '../fs/index.js';
import type { CopyFileOp, FileSource, MkdirFileOp, Step } from '../planner/index.js';
import { resolveChown } from './chown-lookup.js';
import { addFiles } from './copy-files-add.js';
import { copyFiles, ensureDestinationDir } from './copy-files.js';
import { treeContentDigest } from './tree-digest.js';
import { contextIncludeFilter, copySourcesFor, resolveSources, selectInRootfs, type ResolvedSources } from './file-sources.js';
import { ensureSnapshots, runLayerStep, type RootfsTarget } from './layer-step.js';
import { TsbuildError } from '../errors.js';
import { withLocation } from './step-location.js';
import type { BuildContext } from './context.js';
import type { BuildState } from './state.js';
import type { PreparedRootfs } from '../snapshots/index.js';
import type { StepResult } from './step-result.js';

export async function runCopyStep(ctx: BuildContext, state: BuildState, step: Step, op: CopyFileOp, signal: AbortSignal): Promise<StepResult> {
  // Only downloads need a scratch dir: a cached COPY makes (and frees) no inode.
  const downloads = op.sources.some((s) => s.kind === 'url' || s.kind === 'git');
  const scratch = downloads ? mkdtempSync(path.join(ctx.layout.tmp, `copy-${ownerToken()}-`)) : undefined;
  try {
    const resolved = await resolveSources(ctx, step, op, scratch, signal);
    const remote = remoteMaterials(resolved.contents);
    if (remote.length > 0) state.remoteSources.set(step.id, remote);
    return await runLayerStep(ctx, state, step, {
      contents: resolved.contents,
      fileDigests: resolved.fileDigests,
      target: 'mounted',
      independentOfParent: op.link,
      // A git source's --checksum only checks the commit, which `contents` has: BuildKit's key leaves it out.
      byContent: op.checksum !== undefined && op.sources.every((s) => s.kind === 'git')
        ? { inputs: new Set(), definition: { ...op, checksum: undefined } }
        : undefined,
      sourceDigests: op.sources.some((s) => s.kind === 'step') ? () => digestStepSources(ctx, state, step, op) : undefined,
      seedFrom: contextOnlyCopy(op) ? (previous) => sameSelection(previous.fileDigests, resolved) : undefined,
      apply: (target) => copyInto(ctx, state, step, op, resolved, mountedRootfs(target)),
    }, signal);
  } finally {
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
}

/** A plain COPY of context files: what it writes follows from the selected paths alone. */
function contextOnlyCopy(op: CopyFileOp): boolean {
  return op.command === 'COPY' && !op.link && op.sources.every((s) => s.kind === 'context');
}

/**
 * The previous run selected the same paths, each a file then and now or the same non-file: it
 * wrote the same targets, so a tree seeded from it holds nothing this copy would not write.
 */
function sameSelection(previous: Record<string, string> | undefined, resolved: ResolvedSources): boolean {
  const current = resolved.fileDigests;
  const count = resolved.contextSelection?.entries.length;
  if (!previous || !current || count === undefined || Object.keys(current).length !== count) return false;
  if (Object.keys(previous).length !== count) return false;
  const isFile = (digest: string) => /^[0-9a-f]{64}$/.test(digest);
  return Object.entries(current).every(([file, digest]) => {
    const before = previous[file];
    return before !== undefined && (before === digest || (isFile(before) && isFile(digest)));
  });
}

/** The git and URL sources of a copy with what they resolved to (`git:URL` -> commit, `url:URL` -> sha256). */
function remoteMaterials(contents: Record<string, string>): { uri: string; digest: Record<string, string> }[] {
  return Object.entries(contents).flatMap(([key, value]) => {
    if (key.startsWith('git:')) return [{ uri: key.slice(4), digest: { [value.length === 64 ? 'sha256' : 'sha1']: value } }];
    if (key.startsWith('url:')) return [{ uri: key.slice(4), digest: { [value.slice(0, value.indexOf(':'))]: value.slice(value.indexOf(':') + 1) } }];
    return [];
  });
}

/** What the copy takes from each source stage, by input (`from:<i>`), read from its snapshot. */
async function digestStepSources(ctx: BuildContext, state: BuildState, step: Step, op: CopyFileOp): Promise<Record<string, string>> {
  const stepSources = op.sources.filter((s): s is Extract<FileSource, { kind: 'step' }> => s.kind === 'step');
  const digests: Record<string, string> = {};
  for (const id of new Set(stepSources.map((s) => s.step))) {
    const view = ctx.snapshots.prepareRootfs(await ensureSnapshots(ctx, state.resultOf(id).layers), { writable: false });
    try {
      const selections = stepSources
        .filter((s) => s.step === id)
        .map((s) => ({ pattern: s.path, paths: withLocation(step, () => selectInRootfs(view.rootfs, s.path)) }));
      digests[`from:${step.inputs.indexOf(id)}`] = treeContentDigest(view.rootfs, selections);
    } finally {
      view.cleanup();
    }
  }
  return digests;
}

async function copyInto(ctx: BuildContext, state: BuildState, step: Step, op: CopyFileOp, resolved: ResolvedSources, rootfs: PreparedRootfs): Promise<void> {
  const views: PreparedRootfs[] = [];
  try {
    const stepRoots = new Map<string, string>();
    for (const source of op.sources) {
      if (source.kind !== 'step' || stepRoots.has(source.step)) continue;
      const chains = await ensureSnapshots(ctx, state.resultOf(source.step).layers);
      const view = ctx.snapshots.prepareRootfs(chains, { writable: false });
      views.push(view);
      stepRoots.set(source.step, view.rootfs);
    }
    const common = {
      rootfs: rootfs.rootfs,
      dest: op.dest,
      destIsDir: op.destIsDir,
      chown: op.chown ? await ownerFor(ctx, state, step, op, rootfs.rootfs, views) : undefined,
      preserveOwnership: op.sources.some((s) => s.kind === 'step'),
      chmod: op.chmod,
      exclude: op.exclude,
      parents: op.parents,
      include: resolved.contextSelection ? contextIncludeFilter(resolved.contextDir ?? ctx.contextDir, resolved.contextSelection) : undefined,
      inlineMtime: ctx.options.sourceDateEpoch === undefined ? undefined : new Date(ctx.options.sourceDateEpoch * 1000),
      seededUpper: rootfs.seeded ? rootfs.upperdir : undefined,
    };
    if (op.command === 'ADD') {
      const sources = op.sources.flatMap((source) =>
        copySourcesFor(ctx, step, source, resolved, stepRoots).map((s) => ({ source: s, origin: source.kind === 'url' ? ('remote' as const) : ('local' as const) })),
      );
      await addFiles({ ...common, sources, unpack: op.unpack });
    } else {
      copyFiles({ ...common, sources: op.sources.flatMap((source) => copySourcesFor(ctx, step, source, resolved, stepRoots)) });
    }
  } finally {
    for (const view of views) view.cleanup();
  }
}

export function runMkdirStep(ctx: BuildContext, state: BuildState, step: Step, op: MkdirFileOp, signal: AbortSignal): Promise<StepResult> {
  return runLayerStep(ctx, state, step, {
    contents: {},
    target: 'mounted',
    apply: async (target) => {
      const rootfs = mountedRootfs(target).rootfs;
      ensureDestinationDir(rootfs, op.path, op.user ? resolveChown(rootfs, op.user) : undefined);
    },
  }, signal);
}

function mountedRootfs(target: RootfsTarget): PreparedRootfs {
  if (target.kind !== 'mounted') throw new TsbuildError('INTERNAL', 'file steps need a mounted rootfs');
  return target.rootfs;
}

/** --chown names resolve through the image's /etc/passwd: the parent's when the copy is --link. */
async function ownerFor(ctx: BuildContext, state: BuildState, step: Step, op: CopyFileOp, rootfs: string, views: PreparedRootfs[]) {
  const spec = op.chown ?? '';
  if (!op.link || /^\d+(:\d+)?$/.test(spec)) return resolveChown(rootfs, spec);
  const parent = state.resultOf(step.inputs[0] ?? '');
  const view = ctx.snapshots.prepareRootfs(await ensureSnapshots(ctx, parent.layers), { writable: false });
  views.push(view);
  return resolveChown(view.rootfs, spec);
}

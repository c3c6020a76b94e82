// Resolves the sources of a COPY/ADD: context paths (respecting .dockerignore, hashed for the
// cache key), paths in another stage's rootfs, URLs (downloaded and hashed, see url-source.ts)
// and heredocs.
import { locationOf, withLocation } from './step-location.js';
import { lstatSync } from 'node:fs';
import path from 'node:path';
import type FastGlob from 'fast-glob';
import { contentDigest, selectSources, type SourceSelection, checkoutGit, downloadRecordsDir, downloadUrl, parseGitUrl } from '../context/index.js';
import { TsbuildError } from '../errors.js';
import type { CopyFileOp, FileSource, Step } from '../planner/index.js';
import type { CopySource } from './copy-files.js';
import { resolveInRoot, resolveParentInRoot } from '../oci/index.js';
import { hashSelected, type BuildContext } from './context.js';

/** Sources resolved before the cache lookup: what the key needs and what the copy will read. */
export interface ResolvedSources {
  contents: Record<string, string>;
  fileDigests?: Record<string, string>;
  contextSelection?: SourceSelection;
  /** The directory `contextSelection` was made in: the build context or a `--build-context` directory. */
  contextDir?: string;
  /** Downloaded URL sources, by URL. */
  downloads: Map<string, string>;
}

/** fast-glob (micromatch and all under it) is loaded by the first wildcard COPY --from, not at start-up. */
let fastGlob: typeof FastGlob | undefined;

export async function resolveSources(
  ctx: BuildContext, step: Step, op: CopyFileOp, scratch: string | undefined, signal: AbortSignal,
): Promise<ResolvedSources> {
  if (op.sources.some((s) => s.kind === 'step' && hasWildcard(s.path))) fastGlob ??= (await import('fast-glob')).default;
  const resolved: ResolvedSources = { contents: {}, downloads: new Map() };
  const contextSources = op.sources.filter((s) => s.kind === 'context');
  const contextPatterns = contextSources.map((s) => s.path);
  // One COPY reads one context: the Dockerfile's the build context, a named context's stage its directory.
  const source = ctx.contextSource(contextSources[0]?.context);
  const contextEntries = contextPatterns.length > 0 ? await source.entries() : [];
  if (contextPatterns.length > 0) {
    const selection = withLocation(step, () => selectSources(contextEntries, contextPatterns));
    await hashSelected(ctx, selection.entries, source.dir);
    resolved.contextSelection = selection;
    resolved.contextDir = source.dir;
    resolved.contents.context = contentDigest(selection);
    resolved.fileDigests = Object.fromEntries(
      selection.entries.slice(0, 20_000).map((e) => [e.path, e.sha256 ?? e.linkTarget ?? `${e.type}:${e.mode.toString(8)}`]),
    );
  }
  for (const source of op.sources) {
    if (source.kind !== 'git' && source.kind !== 'url') continue;
    if (scratch === undefined) throw new TsbuildError('INTERNAL', `${source.url}: no scratch directory to download into`);
    if (source.kind === 'git') {
      const checkout = await checkoutGit(source.url, path.join(scratch, `git-${resolved.downloads.size}`), source.keepGitDir, locationOf(step));
      const fromUrl = parseGitUrl(source.url).checksum; // valid: checkoutGit refuses a bad query
      if (op.checksum && fromUrl && op.checksum !== fromUrl) {
        throw new TsbuildError('PLAN_INVALID', `${step.file}:${step.range?.start.line ?? 0}: checksum mismatch "${op.checksum}" != "${fromUrl}"`);
      }
      // BuildKit's git source: the checksum is the commit or a prefix of it.
      if (op.checksum && !checkout.commit.startsWith(op.checksum.toLowerCase())) {
        throw new TsbuildError('DIGEST_MISMATCH', `${step.file}:${step.range?.start.line ?? 0}: ${source.url}: expected checksum to match ${op.checksum}, got ${checkout.commit}`);
      }
      resolved.downloads.set(source.url, checkout.dir);
      resolved.contents[`git:${source.url}`] = checkout.commit;
      continue;
    }
    const { file: dockerfile, line } = locationOf(step);
    const kept = { dir: downloadRecordsDir(ctx.layout.cache), store: ctx.store, hold: (digest: string) => ctx.lease.add([{ kind: 'blob' as const, id: digest }]) };
    const file = await downloadUrl(source.url, path.join(scratch, `url-${resolved.downloads.size}`), `${dockerfile}:${line}`, op.checksum, signal, kept);
    resolved.downloads.set(source.url, file.path);
    resolved.contents[`url:${source.url}`] = file.digest;
  }
  return resolved;
}

/** The copy sources for one FileSource; `stepRoots` maps a step id to its mounted rootfs. */
export function copySourcesFor(
  ctx: BuildContext, step: Step, source: FileSource, resolved: ResolvedSources, stepRoots: Map<string, string>,
): CopySource[] {
  switch (source.kind) {
    case 'context':
      return (resolved.contextSelection?.roots ?? [])
        .filter((root) => root.pattern === source.path)
        .map((root) => ({ kind: 'path', root: resolved.contextDir ?? ctx.contextDir, relPath: root.matchedPath || '.', pivotDepth: pivotDepth(source.path) }));
    case 'step': {
      const root = stepRoots.get(source.step);
      if (!root) throw new TsbuildError('INTERNAL', `no rootfs mounted for step ${source.step}`);
      return withLocation(step, () => selectInRootfs(root, source.path)).map((relPath) => ({ kind: 'path', root, relPath, pivotDepth: pivotDepth(source.path) }));
    }
    case 'url':
      return [{ kind: 'path', root: path.dirname(resolved.downloads.get(source.url) ?? ''), relPath: path.basename(resolved.downloads.get(source.url) ?? '') }];
    case 'heredoc':
      return [{ kind: 'inline', name: source.name, content: source.content }];
    case 'git':
      return [{ kind: 'path', root: resolved.downloads.get(source.url) ?? '', relPath: '.' }];
    default: {
      const unknown: never = source;
      throw new TsbuildError('INTERNAL', `unknown source ${JSON.stringify(unknown)}`);
    }
  }
}

/** How many leading components of a source's matches COPY --parents drops: those before its first `/./`. */
function pivotDepth(pattern: string): number {
  const pivot = pattern.indexOf('/./');
  if (pivot < 0) return 0;
  return pattern.slice(0, pivot).split('/').filter((part) => part !== '' && part !== '.').length;
}

/** Paths a COPY --from pattern selects in a rootfs: wildcards expanded, plain paths must exist. */
export function selectInRootfs(root: string, pattern: string): string[] {
  const relative = path.posix.normalize(`/${pattern}`).slice(1) || '.';
  if (!hasWildcard(relative)) {
    // Parents resolve inside the stage (an absolute symlink there never reaches the host); the last
    // name is lstat'ed: a dangling symlink is still a source (BuildKit follows it only inside the copy).
    if (!existsOrLink(resolveParentInRoot(root, relative))) throw new TsbuildError('NOT_FOUND', `failed to compute cache key: "/${relative}": not found`);
    return [relative];
  }
  // The directories before the first wildcard resolve inside the stage, so a symlink there never
  // makes the glob list a host directory; below it, fast-glob does not descend into symlinks.
  const parts = relative.split('/');
  const firstGlob = parts.findIndex((part) => /[*?[\]]/.test(part));
  const prefix = parts.slice(0, firstGlob).join('/');
  const base = prefix === '' ? root : resolveInRoot(root, prefix, true);
  if (!fastGlob) throw new TsbuildError('INTERNAL', `fast-glob not loaded for ${pattern}`);
  const matches = fastGlob.sync(parts.slice(firstGlob).join('/'), { cwd: base, dot: true, onlyFiles: false, followSymbolicLinks: false });
  return matches.map((match) => (prefix === '' ? match : `${prefix}/${match}`)).sort();
}

function hasWildcard(pattern: string): boolean {
  return /[*?[\]]/.test(pattern);
}

function existsOrLink(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Paths (and their parent directories) a context copy of `dir` may read: the non-ignored ones. */
export function contextIncludeFilter(dir: string, selection: SourceSelection): (hostPath: string) => boolean {
  const allowed = new Set<string>();
  for (const entry of selection.entries) {
    let rel = entry.path;
    while (rel && rel !== '.' && !allowed.has(path.join(dir, rel))) {
      allowed.add(path.join(dir, rel));
      rel = path.posix.dirname(rel);
    }
  }
  return (hostPath) => allowed.has(hostPath);
}

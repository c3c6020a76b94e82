// Resolves the sources of a COPY/ADD: context paths (respecting .dockerignore, hashed for the
// cache key), paths in another stage's rootfs, URLs (downloaded and hashed, see url-source.ts)
// and heredocs.
import { locationOf, withLocation } from './step-location.js';
import { lstatSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { contentDigest } from '../context/digest.js';
import { selectSources, type SourceSelection } from '../context/select.js';
import { TsbuildError } from '../errors.js';
import type { CopyFileOp, FileSource, Step } from '../planner/types.js';
import type { CopySource } from './copy-files.js';
import { checkoutGit } from '../context/git-source.js';
import { resolveInRoot, resolveParentInRoot } from '../oci/layer-apply-rootpath.js';
import { hashSelected, type BuildSession } from './session.js';
import { downloadUrl } from '../context/url-source.js';

/** Sources resolved before the cache lookup: what the key needs and what the copy will read. */
export interface ResolvedSources {
  contents: Record<string, string>;
  fileDigests?: Record<string, string>;
  contextSelection?: SourceSelection;
  /** Downloaded URL sources, by URL. */
  downloads: Map<string, string>;
}

export async function resolveSources(
  session: BuildSession, step: Step, op: CopyFileOp, scratch: string, signal: AbortSignal,
): Promise<ResolvedSources> {
  const resolved: ResolvedSources = { contents: {}, downloads: new Map() };
  const contextPatterns = op.sources.filter((s) => s.kind === 'context').map((s) => s.path);
  const contextEntries = contextPatterns.length > 0 ? await session.contextEntries() : [];
  if (contextPatterns.length > 0) {
    const selection = withLocation(step, () => selectSources(contextEntries, contextPatterns));
    await hashSelected(session, selection.entries);
    resolved.contextSelection = selection;
    resolved.contents.context = contentDigest(selection);
    resolved.fileDigests = Object.fromEntries(
      selection.entries.slice(0, 20_000).map((e) => [e.path, e.sha256 ?? e.linkTarget ?? `${e.type}:${e.mode.toString(8)}`]),
    );
  }
  for (const source of op.sources) {
    if (source.kind === 'git') {
      const checkout = await checkoutGit(source.url, path.join(scratch, `git-${resolved.downloads.size}`), source.keepGitDir, locationOf(step));
      if (op.checksum && op.checksum !== checkout.commit) {
        throw new TsbuildError('DIGEST_MISMATCH', `${step.file}:${step.range?.start.line ?? 0}: ${source.url}: expected commit ${op.checksum}, got ${checkout.commit}`);
      }
      resolved.downloads.set(source.url, checkout.dir);
      resolved.contents[`git:${source.url}`] = checkout.commit;
      continue;
    }
    if (source.kind !== 'url') continue;
    const { file: dockerfile, line } = locationOf(step);
    const file = await downloadUrl(source.url, path.join(scratch, `url-${resolved.downloads.size}`), `${dockerfile}:${line}`, op.checksum, signal);
    resolved.downloads.set(source.url, file.path);
    resolved.contents[`url:${source.url}`] = file.digest;
  }
  return resolved;
}

/** The copy sources for one FileSource; `stepRoots` maps a step id to its mounted rootfs. */
export function copySourcesFor(
  session: BuildSession, step: Step, source: FileSource, resolved: ResolvedSources, stepRoots: Map<string, string>,
): CopySource[] {
  switch (source.kind) {
    case 'context':
      return (resolved.contextSelection?.roots ?? [])
        .filter((root) => root.pattern === source.path)
        .map((root) => ({ kind: 'path', root: session.contextDir, relPath: root.matchedPath || '.' }));
    case 'step': {
      const root = stepRoots.get(source.step);
      if (!root) throw new TsbuildError('INTERNAL', `no rootfs mounted for step ${source.step}`);
      return withLocation(step, () => selectInRootfs(root, source.path)).map((relPath) => ({ kind: 'path', root, relPath }));
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

/** Paths a COPY --from pattern selects in a rootfs: wildcards expanded, plain paths must exist. */
function selectInRootfs(root: string, pattern: string): string[] {
  const relative = path.posix.normalize(`/${pattern}`).slice(1) || '.';
  if (!/[*?[\]]/.test(relative)) {
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
  const matches = fg.sync(parts.slice(firstGlob).join('/'), { cwd: base, dot: true, onlyFiles: false, followSymbolicLinks: false });
  return matches.map((match) => (prefix === '' ? match : `${prefix}/${match}`)).sort();
}

function existsOrLink(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Paths (and their parent directories) a context copy may read: the non-ignored ones. */
export function contextIncludeFilter(session: BuildSession, selection: SourceSelection): (hostPath: string) => boolean {
  const allowed = new Set<string>();
  for (const entry of selection.entries) {
    let rel = entry.path;
    while (rel && rel !== '.' && !allowed.has(path.join(session.contextDir, rel))) {
      allowed.add(path.join(session.contextDir, rel));
      rel = path.posix.dirname(rel);
    }
  }
  return (hostPath) => allowed.has(hostPath);
}

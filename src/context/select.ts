// COPY/ADD source selection over a walked context, following BuildKit: sources are relative to
// the context root, may use Go filepath.Match wildcards (matched against the whole relative path),
// a directory selects everything below it, a symlink named as a source is followed inside the
// context, a missing literal source fails like `"/x": not found`, a wildcard may match nothing
// (BuildKit's AllowEmptyWildcard) but the directories before it must exist.
import { TsbuildError } from '../errors.js';
import type { ContextEntry } from '../context/context.js';
import { goClean, goMatch, hasGlobMeta } from '../context/dockerignore-glob.js';

/** One matched source: the name it was matched by and the entry copied (a followed symlink's target). */
export interface SourceRoot {
  pattern: string;
  /** Context-relative path that matched (the symlink's own path when one was followed). */
  matchedPath: string;
  entry: ContextEntry;
}

export interface SourceSelection {
  roots: SourceRoot[];
  /** Every selected entry, roots and everything below directory roots, once each, in walk order. */
  entries: ContextEntry[];
}

const MAX_LINK_HOPS = 255;

/** Selects the entries `patterns` (COPY/ADD sources) name; throws TsbuildError for a missing source. */
export function selectSources(entries: readonly ContextEntry[], patterns: readonly string[]): SourceSelection {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const roots: SourceRoot[] = [];
  for (const pattern of patterns) roots.push(...matchPattern(entries, byPath, pattern));
  const rootDirs = roots.filter((r) => r.entry.type === 'dir').map((r) => r.entry.path);
  const rootPaths = new Set(roots.map((r) => r.entry.path));
  const selected = entries.filter((e) => rootPaths.has(e.path) || rootDirs.some((dir) => isUnder(e.path, dir)));
  return { roots, entries: selected };
}

function matchPattern(entries: readonly ContextEntry[], byPath: Map<string, ContextEntry>, pattern: string): SourceRoot[] {
  const rel = contextRelative(pattern);
  if (rel === '.') return [{ pattern, matchedPath: '.', entry: contextRoot() }];
  if (!hasGlobMeta(rel)) {
    const entry = byPath.get(rel) ?? byPath.get(resolveParents(byPath, rel, pattern));
    if (entry === undefined) throw notFound(rel);
    return [{ pattern, matchedPath: rel, entry: followLinks(byPath, entry, pattern) }];
  }
  const literalDir = literalPrefix(rel);
  if (literalDir !== '' && byPath.get(literalDir)?.type !== 'dir') throw notFound(literalDir);
  const roots: SourceRoot[] = [];
  for (const entry of entries) {
    if (roots.some((r) => isUnder(entry.path, r.matchedPath)) || !goMatch(rel, entry.path)) continue;
    roots.push({ pattern, matchedPath: entry.path, entry: followLinks(byPath, entry, pattern) });
  }
  return roots;
}

/** The directories before a pattern's first wildcard component: BuildKit requires them to exist. */
function literalPrefix(rel: string): string {
  const parts = rel.split('/');
  const firstWild = parts.findIndex((part) => hasGlobMeta(part));
  return parts.slice(0, firstWild).join('/');
}

/** The cleaned context-relative form of a source; `.` for the root. Escaping the context is an error. */
function contextRelative(pattern: string): string {
  const cleaned = goClean(pattern.replace(/^\/+/, ''));
  if (cleaned === '..' || cleaned.startsWith('../'))
    throw new TsbuildError('PLAN_INVALID', `COPY source ${JSON.stringify(pattern)} is outside the build context`);
  return cleaned;
}

/** A synthetic entry for the context root itself: selecting `.` selects everything. */
function contextRoot(): ContextEntry {
  return { path: '', type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0, mtimeNs: 0n, ctimeNs: 0n, dev: 0n, ino: 0n };
}

/** Resolves a symlink source inside the context (absolute targets are context-root relative). */
function followLinks(byPath: Map<string, ContextEntry>, start: ContextEntry, pattern: string): ContextEntry {
  let entry = start;
  for (let hops = 0; entry.type === 'symlink'; hops++) {
    if (hops >= MAX_LINK_HOPS) throw new TsbuildError('NOT_FOUND', `COPY source ${JSON.stringify(pattern)}: too many levels of symbolic links`);
    const target = entry.linkTarget!;
    const joined = target.startsWith('/') ? target : `${parentOf(entry.path)}/${target}`;
    const resolved = goClean(`/${joined}`).slice(1) || '.';
    if (resolved === '.') return contextRoot();
    const next = byPath.get(resolved);
    if (next === undefined) throw notFound(resolved);
    entry = next;
  }
  return entry;
}

/**
 * The context path `rel` names once symlinked directories on the way are followed inside the
 * context (BuildKit's FollowSymlinks; `..` and absolute targets stop at the context root).
 */
function resolveParents(byPath: Map<string, ContextEntry>, rel: string, pattern: string): string {
  const pending = rel.split('/');
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 1) {
    const part = pending.shift() as string;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    if (part === '' || part === '.') continue;
    const entry = byPath.get([...resolved, part].join('/'));
    if (entry?.type !== 'symlink') {
      resolved.push(part);
      continue;
    }
    if (++hops > MAX_LINK_HOPS) throw new TsbuildError('NOT_FOUND', `COPY source ${JSON.stringify(pattern)}: too many levels of symbolic links`);
    if (entry.linkTarget!.startsWith('/')) resolved.length = 0;
    pending.unshift(...entry.linkTarget!.split('/'));
  }
  const last = pending[0] ?? '';
  if (last === '..') resolved.pop();
  else if (last !== '' && last !== '.') resolved.push(last);
  return resolved.join('/');
}

function parentOf(relPath: string): string {
  const slash = relPath.lastIndexOf('/');
  return slash < 0 ? '' : relPath.slice(0, slash);
}

function isUnder(relPath: string, dir: string): boolean {
  return dir === '' || dir === '.' || relPath.startsWith(`${dir}/`);
}

function notFound(rel: string): TsbuildError {
  return new TsbuildError('NOT_FOUND', `failed to compute cache key: "/${rel}": not found`);
}

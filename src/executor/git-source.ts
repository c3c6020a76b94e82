// `ADD <git URL>[#ref[:subdir]]`: a checkout with the host's git, shallow when the server allows,
// identified by its commit for the cache key. `.git` is removed unless --keep-git-dir.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { TsbuildError, type SourceLocation } from '../errors.js';

const run = promisify(execFile);

export interface GitCheckout {
  /** The directory whose contents ADD copies (the subdir, when the URL names one). */
  dir: string;
  commit: string;
}

export function parseGitUrl(url: string): { remote: string; ref?: string; subdir?: string } {
  const [remote = url, fragment = ''] = url.split('#', 2);
  const [ref = '', subdir = ''] = fragment.split(':', 2);
  return { remote, ...(ref ? { ref } : {}), ...(subdir ? { subdir } : {}) };
}

export async function checkoutGit(url: string, dir: string, keepGitDir: boolean, where: SourceLocation): Promise<GitCheckout> {
  const { remote, ref, subdir } = parseGitUrl(url);
  mkdirSync(dir, { recursive: true });
  const git = async (...args: string[]) =>
    (await run('git', ['-C', dir, ...args], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 1 << 24 })).stdout.trim();
  try {
    await git('init', '-q');
    await git('remote', 'add', 'origin', remote);
    const target = await fetchRef(git, ref ?? 'HEAD');
    await git('-c', 'advice.detachedHead=false', 'checkout', '-q', target);
    const commit = await git('rev-parse', 'HEAD');
    if (!keepGitDir) rmSync(path.join(dir, '.git'), { recursive: true, force: true });
    const source = subdir ? path.join(dir, path.posix.normalize(`/${subdir}`)) : dir;
    if (!existsSync(source) || !statSync(source).isDirectory()) throw new Error(`no directory ${subdir} at ${ref ?? 'HEAD'}`);
    return { dir: source, commit };
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new TsbuildError('NOT_FOUND', `${where.file}:${where.line}: cannot check out ${url}: ${detail}`);
  }
}

/** Shallow fetch of one ref; servers that refuse (dumb HTTP, unadvertised SHAs) get a full fetch. */
async function fetchRef(git: (...args: string[]) => Promise<string>, ref: string): Promise<string> {
  try {
    await git('fetch', '-q', '--depth', '1', 'origin', ref);
    return 'FETCH_HEAD';
  } catch {
    await git('fetch', '-q', '--tags', 'origin', '+refs/heads/*:refs/remotes/origin/*');
    for (const candidate of ref === 'HEAD' ? ['origin/HEAD', 'origin/main', 'origin/master'] : [`origin/${ref}`, ref]) {
      try {
        return await git('rev-parse', '--verify', '-q', `${candidate}^{commit}`);
      } catch {
        // try the next spelling of the ref
      }
    }
    throw new Error(`ref ${ref} not found`);
  }
}

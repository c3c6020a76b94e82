// `ADD <git URL>[#ref[:subdir]]` and a git URL as the build context: a checkout with the host's git, shallow when the server allows,
// identified by its commit for the cache key. `.git` is removed unless --keep-git-dir.
// The URL comes from the Dockerfile and the content from the server, so git runs without the
// host's system/global config, with only network transports allowed (no `ext::`, no local paths),
// no hooks, a ref that cannot be read as an option, and a subdirectory resolved inside the checkout.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DockerfileSyntaxError, TsbuildError, type SourceLocation } from '../errors.js';
import { resolveInRoot } from '../oci/index.js';

const run = promisify(execFile);

/** `-c` settings for every git command: BuildKit's transports (no file://, ext::, fd::), no hooks. */
const SAFE_CONFIG = [
  'protocol.allow=never',
  ...['https', 'http', 'git', 'ssh'].map((scheme) => `protocol.${scheme}.allow=always`),
  'core.hooksPath=/dev/null',
].flatMap((setting) => ['-c', setting]);

/** Like BuildKit, no system or user gitconfig: it could re-enable transports or rewrite URLs. */
const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

export interface GitCheckout {
  /** The directory whose contents ADD copies (the subdir, when the URL names one). */
  dir: string;
  commit: string;
  /** The commit's committer time (seconds). */
  committed: number;
}

/** A git URL as BuildKit reads it (dfgitutil.ParseGitRef): `remote[?query][#ref[:subdir]]`. */
export interface GitUrl {
  remote: string;
  ref?: string;
  subdir?: string;
  /** `?commit=` (or `?checksum=`): the commit, or a prefix of it, the ref must resolve to. */
  checksum?: string;
  /** `?keep-git-dir=`; undefined when the URL does not say. */
  keepGitDir?: boolean;
  /** `?submodules=`: default true, as BuildKit. */
  submodules: boolean;
}

/** Parses `url`; throws a plain Error with BuildKit's message for a query it refuses. */
export function parseGitUrl(url: string): GitUrl {
  const [beforeFragment = url, fragment = ''] = url.split('#', 2);
  const queryAt = beforeFragment.indexOf('?');
  const remote = queryAt < 0 ? beforeFragment : beforeFragment.slice(0, queryAt);
  const [fragmentRef = '', fragmentSubdir = ''] = fragment.split(':', 2);
  const parsed: GitUrl = { remote, submodules: true, ...(fragmentRef ? { ref: fragmentRef } : {}), ...(fragmentSubdir ? { subdir: fragmentSubdir } : {}) };
  if (queryAt < 0) return parsed;
  const query = new URLSearchParams(beforeFragment.slice(queryAt + 1));
  const flag = (key: string, value: string) => {
    if (value === '') return true;
    if (/^(1|t|T|TRUE|true|True)$/.test(value)) return true;
    if (/^(0|f|F|FALSE|false|False)$/.test(value)) return false;
    throw new Error(`invalid ${key} value: "${value}"`);
  };
  let tag: string | undefined;
  let branch: string | undefined;
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    if (values.length > 1) throw new Error(`query "${key}" has multiple values`);
    const value = values[0] ?? '';
    if (value === '' && !['submodules', 'keep-git-dir', 'fetch-by-commit'].includes(key)) throw new Error(`query "${key}" has no value`);
    switch (key) {
      case 'ref':
        if (parsed.ref !== undefined && parsed.ref !== value) throw new Error(`ref conflicts: "${parsed.ref}" vs "${value}"`);
        parsed.ref = value;
        break;
      case 'tag':
        tag = value;
        break;
      case 'branch':
        branch = value;
        break;
      case 'subdir':
        if (parsed.subdir !== undefined && parsed.subdir !== value) throw new Error(`subdir conflicts: "${parsed.subdir}" vs "${value}"`);
        parsed.subdir = value;
        break;
      case 'checksum':
      case 'commit':
        parsed.checksum = value;
        break;
      case 'keep-git-dir':
        parsed.keepGitDir = flag(key, value);
        break;
      case 'submodules':
        parsed.submodules = flag(key, value);
        break;
      case 'fetch-by-commit':
        flag(key, value); // how BuildKit fetches; tsbuild's fetch already falls back to every ref
        break;
      default:
        throw new Error(`unexpected query "${key}"`);
    }
  }
  const pinned = (kind: string, name: string) => {
    const full = name.startsWith(`refs/${kind}/`) ? name : `refs/${kind}/${name}`;
    if (parsed.ref !== undefined && parsed.ref !== full) throw new Error(`ref conflicts: "${parsed.ref}" vs "${full}"`);
    parsed.ref = full;
  };
  if (tag !== undefined) pinned('tags', tag);
  if (branch !== undefined) {
    if (tag !== undefined) throw new Error('branch conflicts with tag');
    pinned('heads', branch);
  }
  return parsed;
}

/** Why `ref` is not a name `git check-ref-format` accepts (or one that starts with `-`); undefined when it is. */
function invalidGitRef(ref: string): string | undefined {
  if (ref.startsWith('-')) return 'it starts with "-"';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return 'it contains a space, a control character or one of ~^:?*[\\';
  if (ref.includes('..') || ref.includes('@{') || ref === '@') return 'it contains "..", "@{" or is "@"';
  if (ref.endsWith('/') || ref.endsWith('.')) return 'it ends with "/" or "."';
  const bad = ref.split('/').find((part) => part === '' || part.startsWith('.') || part.endsWith('.lock'));
  return bad === undefined ? undefined : 'a component is empty, starts with "." or ends with ".lock"';
}

/**
 * Checks `url` out into `dir`. `where` is the ADD's Dockerfile line, or a prefix such as
 * `build context` for a URL given on the command line.
 */
export async function checkoutGit(url: string, dir: string, keepGitDirFlag: boolean, where: SourceLocation | string): Promise<GitCheckout> {
  const invalid = (message: string) => (typeof where === 'string'
    ? new TsbuildError('USAGE', `${where}: ${message}`)
    : new DockerfileSyntaxError(message, where, { code: 'PLAN_INVALID' }));
  let parsed: GitUrl;
  try {
    parsed = parseGitUrl(url);
  } catch (error) {
    throw invalid(`${url}: ${(error as Error).message}`);
  }
  const { remote, ref, subdir, checksum, submodules } = parsed;
  if (keepGitDirFlag && parsed.keepGitDir === false) throw invalid('inconsistent keep-git-dir configuration');
  const keepGitDir = parsed.keepGitDir ?? keepGitDirFlag;
  if (checksum !== undefined && !/^[0-9a-fA-F]+$/.test(checksum)) throw invalid(`invalid checksum ${checksum} for Git URL, expected hex commit hash`);
  const badRef = ref === undefined ? undefined : invalidGitRef(ref);
  if (badRef) throw invalid(`invalid git ref "${ref}" in ${url}: ${badRef}`);
  const subdirPath = path.posix.normalize(subdir ?? '.').replace(/^\/+/, '');
  if (subdirPath === '..' || subdirPath.startsWith('../')) throw invalid(`invalid git subdirectory "${subdir}" in ${url}: it leaves the repository`);
  mkdirSync(dir, { recursive: true });
  const git = async (...args: string[]) =>
    (await run('git', [...SAFE_CONFIG, '-C', dir, ...args], { env: { ...process.env, ...GIT_ENV }, maxBuffer: 1 << 24 })).stdout.trim();
  try {
    await git('init', '-q', '--template=', ...(await isSha256Repository(git, remote) ? ['--object-format=sha256'] : []));
    await git('remote', 'add', '--end-of-options', 'origin', remote);
    const target = await fetchRef(git, ref ?? 'HEAD');
    await git('-c', 'advice.detachedHead=false', 'checkout', '-q', target, '--');
    const commit = await git('rev-parse', 'HEAD');
    const committed = Number(await git('show', '-s', '--format=%ct', 'HEAD'));
    // BuildKit's git source: the checksum is the commit or a prefix of it.
    if (checksum !== undefined && !commit.startsWith(checksum.toLowerCase())) {
      throw new ChecksumMismatch(`expected checksum to match ${checksum}, got ${commit}`);
    }
    if (submodules && existsSync(path.join(dir, '.gitmodules'))) await git('submodule', 'update', '--init', '--recursive');
    if (!keepGitDir) rmSync(path.join(dir, '.git'), { recursive: true, force: true });
    // The repository's own symlinks are followed with the checkout as `/`, never onto the host.
    const source = resolveInRoot(dir, subdirPath, true);
    if (!existsSync(source) || !statSync(source).isDirectory()) throw new Error(`no directory ${subdir} at ${ref ?? 'HEAD'}`);
    return { dir: source, commit, committed };
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    const prefix = typeof where === 'string' ? where : `${where.file}:${where.line}`;
    throw new TsbuildError(error instanceof ChecksumMismatch ? 'DIGEST_MISMATCH' : 'NOT_FOUND', `${prefix}: cannot check out ${url}: ${detail}`);
  }
}

class ChecksumMismatch extends Error {}

/**
 * A repository of SHA-256 object names (`git init --object-format=sha256`) needs a local repository
 * of the same format; its refs are 64 hex digits long. Unknown (the server fails) counts as SHA-1:
 * the fetch then reports the failure.
 */
async function isSha256Repository(git: (...args: string[]) => Promise<string>, remote: string): Promise<boolean> {
  try {
    return /^[0-9a-f]{64}\s/.test(await git('ls-remote', '--end-of-options', remote));
  } catch {
    return false;
  }
}

/** Shallow fetch of one ref; servers that refuse (dumb HTTP, unadvertised SHAs) get a full fetch. */
async function fetchRef(git: (...args: string[]) => Promise<string>, ref: string): Promise<string> {
  try {
    await git('fetch', '-q', '--depth', '1', '--end-of-options', 'origin', ref);
    return 'FETCH_HEAD';
  } catch {
    await git('fetch', '-q', '--tags', '--end-of-options', 'origin', '+refs/heads/*:refs/remotes/origin/*');
    for (const candidate of refCandidates(ref)) {
      try {
        return await git('rev-parse', '--verify', '-q', `${candidate}^{commit}`);
      } catch {
        // try the next spelling of the ref
      }
    }
    throw new Error(`repository does not contain ref ${ref}`);
  }
}

/**
 * Where a fetched ref is: a branch under origin/, a tag, a full commit hash. As in BuildKit a
 * short hash is no ref (`?commit=` takes a prefix instead).
 */
function refCandidates(ref: string): string[] {
  if (ref === 'HEAD') return ['origin/HEAD', 'origin/main', 'origin/master'];
  if (ref.startsWith('refs/heads/')) return [`origin/${ref.slice('refs/heads/'.length)}`];
  if (ref.startsWith('refs/tags/')) return [ref];
  if (/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(ref)) return [ref];
  return [`origin/${ref}`, `refs/tags/${ref}`];
}

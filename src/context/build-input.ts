// The context argument and `-f` of `tsbuild build` as docker takes them: a directory; `-` (a tar
// context, or a Dockerfile with an empty context, on stdin); a git URL (`https://host/repo.git#ref:dir`,
// `git@host:repo.git`, `git://`); an http(s) URL of a tarball (or of a Dockerfile); and `-f -` (the
// Dockerfile on stdin). Remote contexts are fetched into a temp directory removed by `cleanup`.
import { createReadStream, createWriteStream, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TsbuildError } from '../errors.js';
import { detectCompression, applyLayer } from '../oci/index.js';
import { resolveInRoot } from '../fs/index.js';
import { checkoutGit } from './git-source.js';
import { downloadUrl } from './url-source.js';

export interface BuildInputRequest {
  /** The positional argument: a directory, `-`, a git URL or an http(s) URL. */
  context: string;
  /**
   * `-f`: a path, or `-` for stdin; relative to the context for remote and stdin contexts (an
   * absolute path with a URL context is a local file, as in buildx).
   */
  file?: string;
  stdin: Readable;
  signal?: AbortSignal;
}

export interface BuildInput {
  context: string;
  dockerfile: string;
  /** The Dockerfile's text when it came from stdin or a URL (then `dockerfile` only names it). */
  dockerfileContents?: string;
  /** Where a git context came from: its URL and commit (the provenance's config source). */
  source?: { uri: string; digest: Record<string, string> };
  /** The date (seconds) of a remote context, BuildKit's for `SOURCE_DATE_EPOCH=context`: a git context's commit, an HTTP one's Last-Modified, else its archive's newest file. */
  epoch?: number;
  /** Removes what was fetched. */
  cleanup(): void;
}

/** Archive formats docker accepts as a context. */
const CONTEXT_COMPRESSIONS = ['none', 'gzip', 'bzip2', 'xz', 'zstd'] as const;

export async function openBuildInput(request: BuildInputRequest): Promise<BuildInput> {
  const { context, file } = request;
  if (context === '-' && file === '-') throw usage('invalid argument: can\'t use stdin for both build context and dockerfile');
  if (context !== '-' && !isGitUrl(context) && !isHttpUrl(context)) {
    if (file !== '-') return { context, dockerfile: file ?? path.join(context, 'Dockerfile'), cleanup: () => {} };
    return { context, dockerfile: path.join(context, 'Dockerfile'), dockerfileContents: await readText(request.stdin), cleanup: () => {} };
  }
  const scratch = mkdtempSync(path.join(tmpdir(), 'tsbuild-context-'));
  const cleanup = () => rmSync(scratch, { recursive: true, force: true });
  try {
    const fetched = await fetchContext(request, scratch);
    // The fetched tree is someone else's: its Dockerfile (a symlink, `../`) resolves inside it.
    // As in buildx, an absolute -f with a URL context is the client's own file (not with `-`).
    const ownFile = context !== '-' && file !== undefined && path.isAbsolute(file);
    const dockerfileContents = file === '-' ? await readText(request.stdin) : ownFile ? undefined : fetched.dockerfileContents;
    const dockerfile = ownFile ? file : resolveInRoot(fetched.dir, file && file !== '-' ? file : 'Dockerfile', true);
    const source = fetched.source ? { source: fetched.source } : {};
    const epoch = fetched.epoch !== undefined ? { epoch: fetched.epoch } : {};
    return { context: fetched.dir, dockerfile, ...(dockerfileContents !== undefined ? { dockerfileContents } : {}), ...source, ...epoch, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** docker's urlutil.IsGitURL: `git://`, `git@`, `github.com/`, or an http(s) URL ending in `.git[?query][#fragment]`. */
export function isGitUrl(value: string): boolean {
  if (/^(git:\/\/|git@|github\.com\/)/.test(value)) return true;
  return isHttpUrl(value) && /\.git(\?[^#]*)?(#.*)?$/.test(value);
}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\//.test(value);
}

async function fetchContext(request: BuildInputRequest, scratch: string): Promise<{ dir: string; dockerfileContents?: string; source?: BuildInput['source']; epoch?: number }> {
  const { context, signal = new AbortController().signal } = request;
  if (isGitUrl(context)) {
    const url = context.startsWith('github.com/') ? `https://${context}` : context;
    const checkout = await checkoutGit(url, path.join(scratch, 'git'), false, 'build context');
    const algorithm = checkout.commit.length === 64 ? 'sha256' : 'sha1';
    return { dir: checkout.dir, source: { uri: url, digest: { [algorithm]: checkout.commit } }, epoch: checkout.committed };
  }
  let file: string;
  let lastModified: number | undefined;
  if (context === '-') {
    file = path.join(scratch, 'stdin');
    await pipeline(request.stdin, createWriteStream(file, { mode: 0o600 }), { signal });
  } else {
    const downloaded = await downloadUrl(context, path.join(scratch, 'download'), 'build context', undefined, signal);
    file = downloaded.path;
    const modified = downloaded.lastModified?.getTime();
    if (modified !== undefined && Number.isFinite(modified)) lastModified = Math.floor(modified / 1000);
  }
  const dir = path.join(scratch, 'context');
  const remote = context !== '-';
  if (await isArchive(file)) {
    await applyLayer(dir, createReadStream(file, { highWaterMark: 1024 * 1024 }), { mode: 'plain', compressions: CONTEXT_COMPRESSIONS });
    const epoch = remote ? lastModified ?? newestFile(dir) : undefined;
    return { dir, ...(epoch !== undefined ? { epoch } : {}) };
  }
  // Like docker: anything that is not an archive is a Dockerfile, built with an empty context.
  mkdirSync(dir);
  return { dir, dockerfileContents: readFileSync(file, 'utf8'), ...(remote && lastModified !== undefined ? { epoch: lastModified } : {}) };
}

/** The newest mtime (seconds) of the regular files under `dir` (as extracted, the archive's); undefined when none. */
function newestFile(dir: string): number | undefined {
  let newest: number | undefined;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const seconds = Math.floor(lstatSync(path.join(entry.parentPath, entry.name)).mtimeMs / 1000);
    if (newest === undefined || seconds > newest) newest = seconds;
  }
  return newest;
}

/** A compressed stream, or a first block that is a tar header (its checksum matches). */
async function isArchive(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    if (detectCompression(head.subarray(0, bytesRead)) !== 'none') return true;
    return bytesRead === 512 && tarChecksumMatches(head);
  } finally {
    await handle.close();
  }
}

function tarChecksumMatches(block: Buffer): boolean {
  const stored = parseInt(block.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/, '').trim(), 8);
  if (Number.isNaN(stored)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum === stored;
}

async function readText(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}

const usage = (message: string) => new TsbuildError('USAGE', message);

// The checks of `tsbuild store verify`, one per kind of damage: blobs whose bytes do not match
// their name, cache records without their layer, names without their manifest, mounts and
// processes of dead builds, secrets left on disk.
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DiskContentStore, ImageNames, RootLayout, Descriptor, Digest } from '../oci/index.js';
import { isIndexType, isManifestType, readManifest } from '../oci/index.js';
import { ownerInName, ownerState, processAlive } from '../fs/index.js';
import { mountsUnder } from '../snapshots/index.js';
import { parseDigest, isObject, parseJsonObject } from '../spec/index.js';

export type ProblemKind = 'blob' | 'record' | 'name' | 'mount' | 'process' | 'secrets';

export interface StoreProblem {
  kind: ProblemKind;
  /** The blob digest, record file, image name, mount point, pid or directory concerned. */
  subject: string;
  detail: string;
}

/** Hashes every blob; a file whose sha256 differs from its name (or a stray name) is a problem. */
export async function checkBlobs(layout: RootLayout): Promise<{ count: number; problems: StoreProblem[] }> {
  const problems: StoreProblem[] = [];
  const names = await readdir(layout.blobs).catch(() => [] as string[]);
  for (const name of names) {
    const digest = `sha256:${name}`;
    if (!/^[0-9a-f]{64}$/.test(name)) {
      problems.push({ kind: 'blob', subject: path.join(layout.blobs, name), detail: 'not a blob name (sha256 hex)' });
      continue;
    }
    const actual = await hashFile(path.join(layout.blobs, name)).catch((error: Error) => `unreadable: ${error.message}`);
    if (actual !== digest) problems.push({ kind: 'blob', subject: digest, detail: actual.startsWith('sha256:') ? `content hashes to ${actual}` : actual });
  }
  return { count: names.length, problems };
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(`sha256:${hash.digest('hex')}`));
  });
}

/** Every cache record parses and names a layer blob the store holds. */
export async function checkRecords(layout: RootLayout, store: DiskContentStore): Promise<{ count: number; problems: StoreProblem[] }> {
  const dir = path.join(layout.cache, 'records');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.json'));
  const problems: StoreProblem[] = [];
  for (const name of files) {
    const file = path.join(dir, name);
    let layer: Digest | undefined;
    try {
      layer = recordLayer(parseJsonObject(await readFile(file), { where: file }, 'cache record'), file);
    } catch {
      problems.push({ kind: 'record', subject: file, detail: 'unreadable cache record' });
      continue;
    }
    if (layer && !(await store.has(layer))) problems.push({ kind: 'record', subject: file, detail: `its layer ${layer} is missing` });
  }
  return { count: files.length, problems };
}

/** The layer blob a record names, parsed (it becomes a path); undefined for a metadata-only step. */
function recordLayer(record: Record<string, unknown>, file: string): Digest | undefined {
  const result = record['result'];
  const layer = isObject(result) ? result['layer'] : undefined;
  return isObject(layer) ? parseDigest(layer['digest'], `${file}: layer`, 'STORE') : undefined;
}

/** Every name points at a stored manifest or index; a stored manifest has its config and layers. */
export async function checkNames(store: DiskContentStore, names: ImageNames): Promise<{ count: number; problems: StoreProblem[] }> {
  const entries = [...(await names.list()), ...(await names.listUntagged()).map((u) => ({ name: `<untagged ${u.descriptor.digest}>`, descriptor: u.descriptor }))];
  const problems: StoreProblem[] = [];
  for (const { name, descriptor } of entries) {
    const missing = await missingBlobs(store, descriptor);
    if (missing.length > 0) problems.push({ kind: 'name', subject: name, detail: `missing ${missing.join(', ')}` });
  }
  return { count: entries.length, problems };
}

async function missingBlobs(store: DiskContentStore, top: Descriptor): Promise<string[]> {
  if (!(await store.has(top.digest))) return [`${isIndexType(top.mediaType) ? 'index' : 'manifest'} ${top.digest}`];
  if (!isManifestType(top.mediaType)) return []; // an index may hold only the platforms pulled
  const manifest = await readManifest(store, top);
  const missing: string[] = [];
  for (const blob of [manifest.config, ...manifest.layers]) if (!(await store.has(blob.digest))) missing.push(`blob ${blob.digest}`);
  return missing;
}

/** Mounts under the root that no live process owns (a view of a running build is fine). */
export function checkMounts(layout: RootLayout): StoreProblem[] {
  return mountsUnder(layout.root)
    .filter((point) => ownerAliveOf(layout.root, point) !== true)
    .map((point) => ({ kind: 'mount' as const, subject: point, detail: 'left mounted by a process that is gone' }));
}

/** Whether the owner named in the path's scratch components is alive (undefined: none named). */
function ownerAliveOf(root: string, point: string): boolean | undefined {
  const owner = path.relative(root, point).split(path.sep).map(ownerInName).find((token) => token !== undefined);
  return owner === undefined ? undefined : ownerState(owner) !== 'dead';
}

/**
 * Sandbox helpers whose tsbuild (node) is gone, and runc containers named for a dead tsbuild pid,
 * that ran over this root (their spec or bundle names it: other roots' builds are not ours).
 * A helper's own children are helpers too: the chain of helpers must end at a node process.
 * Processes already exiting (zombies, or killed by their parent-death signal) are not counted.
 */
export function checkProcesses(layout: RootLayout): StoreProblem[] {
  const problems: StoreProblem[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const args = (safe(() => readFileSync(`/proc/${pid}/cmdline`, 'latin1')) ?? '').split('\0');
    if (isHelper(pid)) {
      if (isExiting(pid) || ownedByNode(pid) || !usesRoot(args, layout.root)) continue;
      problems.push({ kind: 'process', subject: pid, detail: 'sandbox helper of a tsbuild that is gone' });
      continue;
    }
    const runcOwner = args.map((arg) => /^tsbuild-(\d+)-[0-9a-f]{8}$/.exec(arg)?.[1]).find(Boolean);
    if (runcOwner && !processAlive(Number(runcOwner)) && usesRoot(args, layout.root)) {
      problems.push({ kind: 'process', subject: pid, detail: `runc container of tsbuild pid ${runcOwner}, which is gone` });
    }
  }
  return problems;
}

/** Whether the helper's spec file or the runc bundle (config, rootfs mount) names paths under `root`. */
function usesRoot(args: string[], root: string): boolean {
  const bundle = args[args.indexOf('--bundle') + 1];
  const texts = args.includes('--bundle') && bundle
    ? [read(path.join(bundle, 'config.json')), ...mountinfoLines().filter((line) => line.includes(` ${path.join(bundle, 'rootfs')} `))]
    : args.slice(1).map(read);
  return texts.some((text) => text.includes(`${root}/`));
}

function read(file: string): string {
  return safe(() => (statSync(file).size < 1 << 20 ? readFileSync(file, 'utf8') : '')) ?? '';
}

function mountinfoLines(): string[] {
  return (safe(() => readFileSync('/proc/self/mountinfo', 'utf8')) ?? '').split('\n');
}

function isHelper(pid: string): boolean {
  return path.basename(safe(() => readlinkSync(`/proc/${pid}/exe`)) ?? '') === 'tsbuild-sandbox';
}

function ownedByNode(pid: string): boolean {
  let current: string | undefined = pid;
  for (let depth = 0; current && isHelper(current) && depth < 8; depth++) current = statFields(current)?.[1];
  return current !== undefined && /node/.test(path.basename(safe(() => readlinkSync(`/proc/${current}/exe`)) ?? ''));
}

function isExiting(pid: string): boolean {
  const state = statFields(pid)?.[0];
  return state === undefined || state === 'Z' || state === 'X' || /SigPnd:\s*0*[1-9a-f]|ShdPnd:\s*0*[1-9a-f]/.test(safe(() => readFileSync(`/proc/${pid}/status`, 'utf8')) ?? '');
}

/** Fields of /proc/<pid>/stat from the third (state, ppid, ...). */
function statFields(pid: string): string[] | undefined {
  const stat = safe(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Secrets are kept on a tmpfs outside the root: any `secrets` dir in its scratch space is a leak. */
export function checkSecrets(layout: RootLayout): StoreProblem[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    for (const entry of safe(() => readdirSync(dir, { withFileTypes: true })) ?? []) {
      if (!entry.isDirectory()) continue;
      const full = path.join(dir, entry.name);
      if (entry.name === 'secrets') found.push(full);
      else if (depth > 0) walk(full, depth - 1);
    }
  };
  walk(layout.tmp, 3);
  return found.map((dir) => ({ kind: 'secrets' as const, subject: dir, detail: 'secrets on the store\'s disk' }));
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

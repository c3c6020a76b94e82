// What an image says it contains, read from the package databases in its files: dpkg's status
// file, apk's installed database, npm lock files and package.json files, Python dist-info
// METADATA (Go binaries' build info: sbom-go.ts). Every read is bounded: files stream line by line, a line is cut at MAX_LINE bytes,
// and a file over its kind's size limit is skipped with a warning (an image may be hostile).
import { createReadStream } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';

export interface FoundPackage {
  /** purl type: deb, apk, npm, pypi, golang. */
  type: 'deb' | 'apk' | 'npm' | 'pypi' | 'golang';
  name: string;
  version: string;
  arch?: string;
  /** The file it was read from, as a path in the scanned tree (`/var/lib/dpkg/status`). */
  source: string;
  supplier?: string;
  license?: string;
  /** A Go module's go.sum hash (`h1:` + base64 sha256). */
  h1Digest?: string;
}

/** A line longer than this is cut: the fields read are short, descriptions are not needed. */
export const MAX_LINE = 64 * 1024;
/** Limits of the JSON and METADATA files read whole. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_LOCKFILE_BYTES = 64 * 1024 * 1024;

/** The lines of a file, each cut at `maxLine` bytes; memory stays at one chunk and one line. */
export async function* boundedLines(file: string, maxLine = MAX_LINE): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    const line = Buffer.concat(pending).toString('utf8');
    pending = [];
    pendingBytes = 0;
    return line;
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      keep(chunk.subarray(start, nl));
      yield flush();
      start = nl + 1;
    }
    keep(chunk.subarray(start));
  }
  if (pendingBytes > 0) yield flush();

  function keep(part: Buffer): void {
    const room = maxLine - pendingBytes;
    if (room <= 0 || part.length === 0) return;
    const kept = part.length > room ? part.subarray(0, room) : part;
    pending.push(Buffer.from(kept));
    pendingBytes += kept.length;
  }
}

/** RFC 822-style paragraphs (dpkg status): the fields asked for, continuation lines ignored. */
async function* paragraphs(file: string, fields: Set<string>): AsyncGenerator<Record<string, string>> {
  let current: Record<string, string> = {};
  for await (const line of boundedLines(file)) {
    if (line.trim() === '') {
      if (Object.keys(current).length > 0) yield current;
      current = {};
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    if (fields.has(key)) current[key] = line.slice(colon + 1).trim();
  }
  if (Object.keys(current).length > 0) yield current;
}

const DPKG_FIELDS = new Set(['Package', 'Version', 'Architecture', 'Status', 'Maintainer']);

/** Installed packages of a dpkg status file (`Status: install ok installed`, what `dpkg-query -W` shows as `ii`). */
export async function dpkgPackages(file: string, source: string): Promise<FoundPackage[]> {
  const found: FoundPackage[] = [];
  for await (const p of paragraphs(file, DPKG_FIELDS)) {
    if (!p.Package || !p.Version || p.Status?.split(/\s+/)[2] !== 'installed') continue;
    found.push({ type: 'deb', name: p.Package, version: p.Version, arch: p.Architecture, source, ...(p.Maintainer ? { supplier: p.Maintainer } : {}) });
  }
  return found;
}

/** apk's installed database: `P:` name, `V:` version, `A:` arch, `L:` license, blank line between packages. */
export async function apkPackages(file: string, source: string): Promise<FoundPackage[]> {
  const found: FoundPackage[] = [];
  let current: Record<string, string> = {};
  const done = () => {
    if (current.P && current.V) {
      found.push({ type: 'apk', name: current.P, version: current.V, arch: current.A, source, ...(current.L ? { license: current.L } : {}), ...(current.m ? { supplier: current.m } : {}) });
    }
    current = {};
  };
  for await (const line of boundedLines(file)) {
    if (line === '') done();
    else if (line[1] === ':' && 'PVALm'.includes(line[0])) current[line[0]] = line.slice(2);
  }
  done();
  return found;
}

/** The JSON of a file no bigger than `limit`; undefined (and a warning) when bigger or not JSON. */
async function readJson(file: string, limit: number, warn: (message: string) => void, source: string): Promise<unknown> {
  const stat = await lstat(file);
  if (!stat.isFile()) return undefined;
  if (stat.size > limit) {
    warn(`SBOM: ${source} is ${stat.size} bytes, over the ${limit}-byte limit; not read`);
    return undefined;
  }
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    warn(`SBOM: ${source} is not valid JSON; not read`);
    return undefined;
  }
}

/** A `package.json`: one npm package (name and version). */
export async function npmManifestPackage(file: string, source: string, warn: (message: string) => void): Promise<FoundPackage[]> {
  const json = await readJson(file, MAX_MANIFEST_BYTES, warn, source) as { name?: unknown; version?: unknown; license?: unknown } | undefined;
  if (!json || typeof json.name !== 'string' || typeof json.version !== 'string') return [];
  return [{ type: 'npm', name: json.name, version: json.version, source, ...(typeof json.license === 'string' ? { license: json.license } : {}) }];
}

/** A `package-lock.json` (lockfileVersion 2/3 `packages`, or 1 `dependencies`): every locked package. */
export async function npmLockPackages(file: string, source: string, warn: (message: string) => void): Promise<FoundPackage[]> {
  const json = await readJson(file, MAX_LOCKFILE_BYTES, warn, source) as { packages?: Record<string, { version?: unknown; name?: unknown; license?: unknown }>; dependencies?: Record<string, { version?: unknown }> } | undefined;
  if (!json || typeof json !== 'object') return [];
  const found: FoundPackage[] = [];
  if (json.packages && typeof json.packages === 'object') {
    for (const [key, entry] of Object.entries(json.packages)) {
      if (!key || typeof entry?.version !== 'string') continue; // '' is the project itself
      const name = typeof entry.name === 'string' ? entry.name : key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
      found.push({ type: 'npm', name, version: entry.version, source, ...(typeof entry.license === 'string' ? { license: entry.license } : {}) });
    }
  } else if (json.dependencies && typeof json.dependencies === 'object') {
    for (const [name, entry] of Object.entries(json.dependencies)) {
      if (typeof entry?.version === 'string') found.push({ type: 'npm', name, version: entry.version, source });
    }
  }
  return found;
}

/** A Python `*.dist-info/METADATA`: its `Name:` and `Version:` headers. */
export async function pythonMetadataPackage(file: string, source: string): Promise<FoundPackage[]> {
  const headers: Record<string, string> = {};
  for await (const line of boundedLines(file)) {
    if (line.trim() === '') break; // the headers end at the first blank line
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (!headers.name || !headers.version) return [];
  return [{ type: 'pypi', name: headers.name, version: headers.version, source, ...(headers.license ? { license: headers.license } : {}) }];
}

// Platforms (`os/arch[/variant]`): parsing, containerd's normalisation, matching with ordered
// fallbacks (arm v7 -> v6 -> v5, arm64 -> arm v8.., amd64 -> 386), and manifest selection.
// Unlike containerd's Parse, an unknown OS or architecture is refused here, at parse time, with
// the same usage error on every command (tsbuild could neither pull nor run it).
import { TsbuildError } from '../errors.js';
import type { Descriptor, ImageIndex, Platform } from './types.js';

const KNOWN_OS = new Set([
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux',
  'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'windows', 'zos',
]);
const KNOWN_ARCH = new Set([
  '386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'ppc64', 'ppc64le', 'loong64',
  'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'riscv', 'riscv64',
  's390', 's390x', 'sparc', 'sparc64', 'wasm',
]);
const ARCH_ALIASES: Record<string, string> = {
  i386: '386', x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm',
};

/** Parses a `--platform a,b` list; duplicates removed. */
export function parsePlatformList(text: string): Platform[] {
  const seen = new Map<string, Platform>();
  for (const item of text.split(',').filter((s) => s.trim() !== '')) {
    const p = parsePlatform(item.trim());
    seen.set(formatPlatform(p), p);
  }
  return [...seen.values()];
}

/** Parses `linux/arm64`, `linux/arm/v7`, `arm64` (host OS) or `linux` (host arch); normalised. */
export function parsePlatform(text: string): Platform {
  const parts = text.toLowerCase().split('/');
  const invalid = (why: string) => new TsbuildError('USAGE', `invalid platform "${text}": ${why}`);
  if (parts.length > 3 || parts.some((part) => !/^[a-z0-9_.-]+$/.test(part))) throw invalid('expected os/arch[/variant]');
  if (parts.length === 1) {
    const [only = ''] = parts;
    if (KNOWN_OS.has(only)) return { ...hostPlatform(), os: only };
    if (isKnownArch(only)) return normalizePlatform({ os: hostPlatform().os, architecture: only });
    throw invalid('unknown operating system or architecture');
  }
  const [os = '', architecture = '', variant] = parts;
  if (!KNOWN_OS.has(os)) throw invalid(`unknown operating system "${os}"`);
  if (!isKnownArch(architecture)) throw invalid(`unknown architecture "${architecture}"`);
  return normalizePlatform(variant === undefined ? { os, architecture } : { os, architecture, variant });
}

function isKnownArch(arch: string): boolean {
  return KNOWN_ARCH.has(arch) || arch in ARCH_ALIASES;
}

/** containerd's `platforms.Normalize`: canonical arch names and default variants. */
function normalizePlatform(platform: Platform): Platform {
  const rawArch = platform.architecture.toLowerCase();
  const architecture = ARCH_ALIASES[rawArch] ?? rawArch;
  let variant = (platform.variant ?? '').toLowerCase();
  if (rawArch === 'i386') variant = '';
  if (rawArch === 'armhf') variant = 'v7';
  if (rawArch === 'armel') variant = 'v6';
  if (architecture === 'amd64' && variant === 'v1') variant = '';
  if (architecture === 'arm64' && ['8', 'v8', 'v8.0'].includes(variant)) variant = '';
  if (architecture === 'arm64' && ['9', '9.0', 'v9.0'].includes(variant)) variant = 'v9';
  if (architecture === 'arm' && (variant === '' || variant === '7')) variant = 'v7';
  if (architecture === 'arm' && ['5', '6', '8'].includes(variant)) variant = `v${variant}`;
  const normalized: Platform = { os: platform.os.toLowerCase(), architecture };
  if (variant) normalized.variant = variant;
  if (platform['os.version']) normalized['os.version'] = platform['os.version'];
  return normalized;
}

/** `os/arch[/variant]` of a normalised platform, e.g. `linux/arm/v7`, `linux/arm64`. */
export function formatPlatform(platform: Platform): string {
  const p = normalizePlatform(platform);
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** The platform of this machine, as Docker names it. */
export function hostPlatform(): Platform {
  const archByNode: Record<string, string> = {
    x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x',
    riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle',
  };
  const architecture = archByNode[process.arch] ?? process.arch;
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  if (architecture !== 'arm') return normalizePlatform({ os, architecture });
  const armVersion = (process.config.variables as Record<string, unknown>)['arm_version'];
  return normalizePlatform({ os, architecture, variant: armVersion ? `v${String(armVersion)}` : 'v7' });
}

/** The platforms a host of `platform` can run, best first (containerd's platformVector). */
export function compatiblePlatforms(platform: Platform): Platform[] {
  const p = normalizePlatform(platform);
  const vector: Platform[] = [p];
  const version = Number.parseInt((p.variant ?? '').replace(/^v/, ''), 10);
  if (p.architecture === 'amd64') {
    for (let v = version - 1; version > 1 && v >= 1; v--) vector.push({ ...p, variant: `v${v}` });
    vector.push(withoutVariant({ ...p, architecture: '386' }));
  } else if (p.architecture === 'arm') {
    for (let v = version - 1; version > 5 && v >= 5; v--) vector.push({ ...p, variant: `v${v}` });
  } else if (p.architecture === 'arm64') {
    vector.push(...compatiblePlatforms({ ...p, architecture: 'arm', variant: p.variant ?? 'v8' }));
  }
  return vector.map(normalizePlatform);
}

function withoutVariant(platform: Platform): Platform {
  const { variant: _variant, ...rest } = platform;
  return rest;
}

/** True when both name the same normalised os, architecture and variant. */
function platformsEqual(a: Platform, b: Platform): boolean {
  const x = normalizePlatform(a);
  const y = normalizePlatform(b);
  return x.os === y.os && x.architecture === y.architecture && (x.variant ?? '') === (y.variant ?? '');
}

/**
 * How well `candidate` suits a host of `wanted`: 0 is an exact match, higher is a fallback,
 * undefined means it cannot run there.
 */
export function platformRank(wanted: Platform, candidate: Platform): number | undefined {
  const index = compatiblePlatforms(wanted).findIndex((p) => platformsEqual(p, candidate));
  return index === -1 ? undefined : index;
}

/** Picks the best manifest of an index for `platform`; the first of equally good ones wins. */
export function selectManifest(index: ImageIndex, platform: Platform): Descriptor {
  let best: { descriptor: Descriptor; rank: number } | undefined;
  for (const descriptor of index.manifests) {
    if (!descriptor.platform) continue;
    const rank = platformRank(platform, descriptor.platform);
    if (rank !== undefined && (!best || rank < best.rank)) best = { descriptor, rank };
  }
  if (best) return best.descriptor;
  const available = index.manifests.flatMap((d) => (d.platform ? [formatPlatform(d.platform)] : []));
  throw new TsbuildError(
    'NOT_FOUND',
    `no manifest for platform ${formatPlatform(platform)} in the image index (available: ${available.join(', ') || 'none'})`,
  );
}

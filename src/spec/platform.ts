// Platforms (`os[(osversion+feature)]/arch[/variant]`): parsing, containerd's normalisation,
// matching with ordered fallbacks (arm v7 -> v6 -> v5, arm64 -> arm v8.., amd64 -> 386) and
// Windows OS versions, and manifest selection.
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

/** containerd's OS component: `os`, `os(version)`, `os(version+feature+feature)`, `os(+feature)`. */
const OS_COMPONENT = /^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.%-]*)((?:\+[A-Za-z0-9_.%-]+)*)\))?$/;

/**
 * Parses `linux/arm64`, `linux/arm/v7`, `windows(10.0.20348.1006)/amd64`, `arm64` (host OS) or
 * `linux` (host arch); normalised.
 */
export function parsePlatform(text: string): Platform {
  const [first = '', ...rest] = text.split('/');
  const invalid = (why: string) => new TsbuildError('USAGE', `invalid platform "${text}": ${why}`);
  const osComponent = OS_COMPONENT.exec(first);
  const parts = [osComponent?.[1] ?? '', ...rest].map((part) => part.toLowerCase());
  if (!osComponent || parts.length > 3 || parts.some((part) => !/^[a-z0-9_.-]+$/.test(part))) {
    throw invalid('expected os[(osversion)]/arch[/variant]');
  }
  const osOptions = osOptionsOf(osComponent[2] ?? '', osComponent[3] ?? '', invalid);
  if (parts.length === 1) {
    const [only = ''] = parts;
    if (KNOWN_OS.has(only)) return normalizePlatform({ ...hostPlatform(), os: only, ...osOptions });
    if (isKnownArch(only)) return normalizePlatform({ os: hostPlatform().os, architecture: only, ...osOptions });
    throw invalid('unknown operating system or architecture');
  }
  const [os = '', architecture = '', variant] = parts;
  if (!KNOWN_OS.has(os)) throw invalid(`unknown operating system "${os}"`);
  if (!isKnownArch(architecture)) throw invalid(`unknown architecture "${architecture}"`);
  return normalizePlatform({ os, architecture, ...(variant === undefined ? {} : { variant }), ...osOptions });
}

/** The OS version and features of `os(version+a+b)`, `%`-decoded as containerd decodes them. */
function osOptionsOf(version: string, features: string, invalid: (why: string) => Error): Pick<Platform, 'os.version' | 'os.features'> {
  const decode = (value: string) => {
    try {
      return value.includes('%') ? decodeURIComponent(value) : value;
    } catch {
      throw invalid(`invalid escape in "${value}"`);
    }
  };
  const decodedVersion = decode(version);
  const decodedFeatures = features.split('+').slice(1).map(decode).filter((f) => f !== '');
  return {
    ...(decodedVersion ? { 'os.version': decodedVersion } : {}),
    ...(decodedFeatures.length > 0 ? { 'os.features': decodedFeatures } : {}),
  };
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
  const features = [...new Set(platform['os.features'] ?? [])].sort();
  if (features.length > 0) normalized['os.features'] = features;
  return normalized;
}

/**
 * containerd's FormatAll of a normalised platform: `linux/arm/v7`, `linux/arm64`, with the OS
 * version and features when set, `windows(10.0.17763+win32k)/amd64`.
 */
export function formatPlatform(platform: Platform): string {
  const p = normalizePlatform(platform);
  const version = encodeOsOption(p['os.version'] ?? '');
  const features = (p['os.features'] ?? []).map(encodeOsOption).join('+');
  const options = version || features ? `(${version}${features ? `+${features}` : ''})` : '';
  return [`${p.os}${options}`, p.architecture, p.variant].filter(Boolean).join('/');
}

/** The characters containerd escapes in an OS version or feature (`%` first). */
function encodeOsOption(value: string): string {
  return value.replace(/[%+()/]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
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

/**
 * containerd's matcher: the same normalised os, architecture and variant; the candidate's OS
 * features a subset of those wanted (win32k aside on Windows); on Windows, OS versions that run
 * together (windowsVersionMatcher).
 */
function platformsEqual(wanted: Platform, candidate: Platform): boolean {
  const x = normalizePlatform(wanted);
  const y = normalizePlatform(candidate);
  if (x.os !== y.os || x.architecture !== y.architecture || (x.variant ?? '') !== (y.variant ?? '')) return false;
  const offered = new Set(x['os.features'] ?? []);
  const needed = (y['os.features'] ?? []).filter((f) => !(x.os === 'windows' && f === 'win32k'));
  if (!needed.every((f) => offered.has(f))) return false;
  return x.os !== 'windows' || windowsVersionsMatch(x['os.version'] ?? '', y['os.version'] ?? '');
}

/** Windows Server LTSC builds whose containers later hosts run (containerd's compatLTSCReleases). */
const LTSC_2022 = 20348;
const COMPAT_LTSC_RELEASES = [LTSC_2022, 26100];

/** containerd's windowsVersionMatcher: an empty version on either side matches. */
function windowsVersionsMatch(hostVersion: string, containerVersion: string): boolean {
  const host = windowsVersionOf(hostVersion);
  if (!host || containerVersion === '') return true;
  const container = windowsVersionOf(containerVersion) ?? { major: 0, minor: 0, build: 0 };
  if (host.major !== container.major || host.minor !== container.minor) return false;
  if (host.build < LTSC_2022) return host.build === container.build;
  const oldest = [...COMPAT_LTSC_RELEASES].reverse().find((release) => host.build > release) ?? LTSC_2022;
  return oldest <= container.build && container.build <= host.build;
}

/** `major.minor.build[.revision]`; undefined when it is not one (or all zero), as in containerd. */
function windowsVersionOf(text: string): { major: number; minor: number; build: number } | undefined {
  const [major, minor, build] = text.split('.');
  if (build === undefined) return undefined;
  const number = (part: string | undefined, max: number) => (part !== undefined && /^\d+$/.test(part) && Number(part) <= max ? Number(part) : undefined);
  const version = { major: number(major, 0xff), minor: number(minor, 0xff), build: number(build, 0xffff) };
  if (version.major === undefined || version.minor === undefined || version.build === undefined) return undefined;
  if (version.major === 0 && version.minor === 0 && version.build === 0) return undefined;
  return { major: version.major, minor: version.minor, build: version.build };
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

// Platform strings (`linux/arm64/v8`) parsed and normalised the way containerd does, and the
// automatic platform ARGs (TARGETPLATFORM, BUILDOS, ...) that BuildKit predefines.
import { TsbuildError } from '../errors.js';
import type { Platform } from '../oci/types.js';

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386' };

/** Parses `os/arch[/variant]` (or a bare `arch`, meaning linux); throws a TsbuildError. */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) {
    throw new TsbuildError('PLAN_INVALID', `invalid platform "${text}": expected os/arch[/variant]`);
  }
  const [os, archIn, variantIn] = parts.length === 1 ? ['linux', parts[0], undefined] : parts;
  const architecture = ARCH_ALIASES[archIn ?? ''] ?? archIn ?? '';
  return normalizePlatform({ os: os ?? 'linux', architecture, ...(variantIn ? { variant: variantIn } : {}) });
}

/** containerd's normalisation: arm64 drops v8, arm defaults to v7, amd64 drops v1. */
export function normalizePlatform(p: Platform): Platform {
  let variant = p.variant;
  if (p.architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (p.architecture === 'arm' && !variant) variant = 'v7';
  if (p.architecture === 'amd64' && variant === 'v1') variant = undefined;
  return { os: p.os, architecture: p.architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Parses a `--platform a,b` list; duplicates removed. */
export function parsePlatformList(text: string): Platform[] {
  const seen = new Map<string, Platform>();
  for (const item of text.split(',').filter((s) => s.trim() !== '')) {
    const p = parsePlatform(item);
    seen.set(formatPlatform(p), p);
  }
  return [...seen.values()];
}

/** The platform this process runs on, as BUILDPLATFORM. */
export function hostPlatform(): Platform {
  const archByNode: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  return normalizePlatform({ os, architecture: archByNode[process.arch] ?? process.arch });
}

/** The names BuildKit defines automatically in the global scope. */
export const PLATFORM_ARG_NAMES = [
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT',
] as const;

/** Values of the automatic platform ARGs for one build/target platform pair. */
export function platformArgs(build: Platform, target: Platform): Record<string, string> {
  return {
    BUILDPLATFORM: formatPlatform(build),
    BUILDOS: build.os,
    BUILDARCH: build.architecture,
    BUILDVARIANT: build.variant ?? '',
    TARGETPLATFORM: formatPlatform(target),
    TARGETOS: target.os,
    TARGETARCH: target.architecture,
    TARGETVARIANT: target.variant ?? '',
  };
}

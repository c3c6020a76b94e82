// The automatic platform ARGs (TARGETPLATFORM, BUILDOS, ...) that BuildKit predefines. Platform
// strings themselves are parsed in src/spec/platform.ts.
import { formatPlatform } from '../spec/index.js';
import type { Platform } from '../spec/index.js';

/** The names BuildKit defines automatically in the global scope. */
export const PLATFORM_ARG_NAMES = [
  'BUILDPLATFORM', 'BUILDOS', 'BUILDOSVERSION', 'BUILDARCH', 'BUILDVARIANT',
  'TARGETPLATFORM', 'TARGETOS', 'TARGETOSVERSION', 'TARGETARCH', 'TARGETVARIANT',
] as const;

/** Values of the automatic platform ARGs for one build/target platform pair. */
export function platformArgs(build: Platform, target: Platform): Record<string, string> {
  return {
    BUILDPLATFORM: formatPlatform(build),
    BUILDOS: build.os,
    BUILDOSVERSION: build['os.version'] ?? '',
    BUILDARCH: build.architecture,
    BUILDVARIANT: build.variant ?? '',
    TARGETPLATFORM: formatPlatform(target),
    TARGETOS: target.os,
    TARGETOSVERSION: target['os.version'] ?? '',
    TARGETARCH: target.architecture,
    TARGETVARIANT: target.variant ?? '',
  };
}

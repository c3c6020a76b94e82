import { describe, expect, it } from 'vitest';
import {
  compatiblePlatforms, formatPlatform, hostPlatform, parsePlatform, platformRank, selectManifest,
} from '../../src/spec/platform.js';
import { MediaType, type Descriptor, type Digest, type ImageIndex, type Platform } from '../../src/spec/types.js';

describe('parsePlatform normalises like containerd', () => {
  it.each([
    ['linux/amd64', 'linux/amd64'],
    ['linux/x86_64', 'linux/amd64'],
    ['linux/x86-64', 'linux/amd64'],
    ['linux/amd64/v1', 'linux/amd64'],
    ['linux/amd64/v3', 'linux/amd64/v3'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/arm64/8', 'linux/arm64'],
    ['linux/arm64/v9.0', 'linux/arm64/v9'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/arm/7', 'linux/arm/v7'],
    ['linux/arm/6', 'linux/arm/v6'],
    ['linux/armhf', 'linux/arm/v7'],
    ['linux/armel', 'linux/arm/v6'],
    ['linux/i386', 'linux/386'],
    ['LINUX/AMD64', 'linux/amd64'],
    ['windows/amd64', 'windows/amd64'],
    ['linux/s390x', 'linux/s390x'],
    ['linux/riscv64', 'linux/riscv64'],
  ])('%s -> %s', (input, expected) => {
    expect(formatPlatform(parsePlatform(input))).toBe(expected);
  });

  it('fills in the host for a lone OS or architecture', () => {
    expect(parsePlatform('arm64')).toEqual({ os: hostPlatform().os, architecture: 'arm64' });
    expect(parsePlatform('linux')).toEqual({ ...hostPlatform(), os: 'linux' });
    expect(formatPlatform(hostPlatform())).toMatch(/^linux\/(amd64|arm64|arm\/v\d|386|s390x|ppc64le|riscv64)$/);
  });

  it.each(['', 'linux/', 'linux//amd64', 'nope', 'linux/nope', 'plan10/amd64', 'linux/amd64/v3/extra'])('rejects %j', (input) => {
    expect(() => parsePlatform(input)).toThrow(/invalid platform/);
  });
});

describe('platform matching and fallbacks', () => {
  it.each([
    ['linux/arm64', 'linux/arm64/v8', 0],
    ['linux/arm64/v8', 'linux/arm64', 0],
    ['linux/arm64', 'linux/arm/v8', 1],
    ['linux/arm64', 'linux/arm/v7', 2],
    ['linux/arm/v7', 'linux/arm/v7', 0],
    ['linux/arm/v7', 'linux/arm/v6', 1],
    ['linux/arm/v7', 'linux/arm/v5', 2],
    ['linux/arm/v6', 'linux/arm/v7', undefined],
    ['linux/arm/v5', 'linux/arm/v6', undefined],
    ['linux/amd64', 'linux/amd64', 0],
    ['linux/amd64', 'linux/386', 1],
    ['linux/amd64/v3', 'linux/amd64/v2', 1],
    ['linux/amd64/v3', 'linux/amd64', 2],
    ['linux/amd64', 'linux/amd64/v2', undefined],
    ['linux/amd64', 'linux/arm64', undefined],
    ['linux/amd64', 'windows/amd64', undefined],
    ['linux/386', 'linux/amd64', undefined],
  ])('%s runs %s: rank %s', (wanted, candidate, rank) => {
    expect(platformRank(parsePlatform(wanted), parsePlatform(candidate))).toBe(rank);
  });

  it('orders arm fallbacks v7 -> v6 -> v5', () => {
    expect(compatiblePlatforms(parsePlatform('linux/arm/v7')).map(formatPlatform)).toEqual(['linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5']);
    expect(compatiblePlatforms(parsePlatform('linux/arm64')).map(formatPlatform)).toEqual([
      'linux/arm64', 'linux/arm/v8', 'linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5',
    ]);
  });
});

describe('selectManifest', () => {
  const entry = (n: number, platform?: Platform): Descriptor => ({
    mediaType: MediaType.OciManifest, digest: `sha256:${String(n).repeat(64)}` as Digest, size: n, ...(platform ? { platform } : {}),
  });
  const index: ImageIndex = {
    schemaVersion: 2,
    manifests: [
      entry(1, { os: 'linux', architecture: '386' }),
      entry(2, { os: 'linux', architecture: 'amd64' }),
      entry(3, { os: 'linux', architecture: 'amd64' }),
      entry(4, { os: 'linux', architecture: 'arm', variant: 'v5' }),
      entry(5, { os: 'linux', architecture: 'arm', variant: 'v7' }),
      entry(6, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
      entry(7, { os: 'unknown', architecture: 'unknown' }),
      entry(8),
    ],
  };

  it.each([
    ['linux/amd64', 2],
    ['linux/386', 1],
    ['linux/arm64', 6],
    ['linux/aarch64', 6],
    ['linux/arm/v7', 5],
    ['linux/arm/v6', 4],
    ['linux/arm/v5', 4],
  ])('%s picks entry %i', (platform, n) => {
    expect(selectManifest(index, parsePlatform(platform)).size).toBe(n);
  });

  it('prefers an exact match to a fallback listed first', () => {
    const arm = { schemaVersion: 2 as const, manifests: [entry(1, { os: 'linux', architecture: 'arm', variant: 'v6' }), entry(2, { os: 'linux', architecture: 'arm', variant: 'v7' })] };
    expect(selectManifest(arm, parsePlatform('linux/arm')).size).toBe(2);
  });

  it('lists what is available when nothing matches', () => {
    expect(() => selectManifest(index, parsePlatform('linux/s390x'))).toThrow(
      'no manifest for platform linux/s390x in the image index (available: linux/386, linux/amd64, linux/amd64, linux/arm/v5, linux/arm/v7, linux/arm64, unknown/unknown)',
    );
  });
});

// containerd's platforms.Parse/FormatAll: `os(osversion+feature)/arch`, and its Windows matcher:
// a version asked for matches the same major.minor.build, or (from LTSC 2022 on) the LTSC range.
describe('platforms with an OS version (containerd Parse, FormatAll, windows matcher)', () => {
  it.each([
    ['windows(10.0.20348.1006)/amd64', { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.1006' }, 'windows(10.0.20348.1006)/amd64'],
    ['Windows(10.0.17763)/AMD64', { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763' }, 'windows(10.0.17763)/amd64'],
    ['windows(10.0.17763+win32k)/amd64', { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763', 'os.features': ['win32k'] }, 'windows(10.0.17763+win32k)/amd64'],
    ['windows(+win32k+a+win32k)/amd64', { os: 'windows', architecture: 'amd64', 'os.features': ['a', 'win32k'] }, 'windows(+a+win32k)/amd64'],
    ['linux(5.1%2Bx)/arm64', { os: 'linux', architecture: 'arm64', 'os.version': '5.1+x' }, 'linux(5.1%2Bx)/arm64'],
    ['windows()/amd64', { os: 'windows', architecture: 'amd64' }, 'windows/amd64'],
  ])('%s', (text, platform, formatted) => {
    expect(parsePlatform(text)).toEqual(platform);
    expect(formatPlatform(parsePlatform(text))).toBe(formatted);
    expect(parsePlatform(formatted)).toEqual(platform);
  });

  it.each(['windows(1.2.3/amd64', 'windows(1 2)/amd64', 'windows(1.2)x/amd64', 'windows(a)(b)/amd64'])('rejects %j', (input) => {
    expect(() => parsePlatform(input)).toThrow(/invalid platform/);
  });

  it.each([
    ['windows(10.0.17763)/amd64', 'windows(10.0.17763)/amd64', 0],
    ['windows(10.0.17763)/amd64', 'windows(10.0.20348)/amd64', undefined],
    ['windows(10.0.17763)/amd64', 'windows/amd64', 0],
    ['windows/amd64', 'windows(10.0.17763)/amd64', 0],
    ['windows(10.0.26100)/amd64', 'windows(10.0.20348.1006)/amd64', 0],
    ['windows(10.0.20348)/amd64', 'windows(10.0.26100)/amd64', undefined],
    ['windows(1.2.3)/amd64', 'windows(1.1.0)/amd64', undefined],
    ['linux(1.2.3)/amd64', 'linux(4.5.6)/amd64', 0],
  ])('%s runs %s: rank %s', (wanted, candidate, rank) => {
    expect(platformRank(parsePlatform(wanted), parsePlatform(candidate))).toBe(rank);
  });

  it('picks the manifest of the OS version asked for, the first without one', () => {
    const entry = (n: number, version: string): Descriptor => ({
      mediaType: MediaType.OciManifest, digest: `sha256:${String(n).repeat(64)}` as Digest, size: n,
      platform: { os: 'windows', architecture: 'amd64', 'os.version': version },
    });
    const index: ImageIndex = { schemaVersion: 2, manifests: [entry(1, '1.2.3'), entry(2, '1.1.0')] };
    expect(selectManifest(index, parsePlatform('windows(1.1.0)/amd64')).size).toBe(2);
    expect(selectManifest(index, parsePlatform('windows(1.2.3)/amd64')).size).toBe(1);
    expect(selectManifest(index, parsePlatform('windows/amd64')).size).toBe(1);
    expect(() => selectManifest(index, parsePlatform('windows(1.3.0)/amd64'))).toThrow(
      'no manifest for platform windows(1.3.0)/amd64 in the image index (available: windows(1.2.3)/amd64, windows(1.1.0)/amd64)',
    );
  });
});

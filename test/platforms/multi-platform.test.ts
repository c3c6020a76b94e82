// Two-platform builds end to end against the DESIGN.md fixture (busybox amd64 + arm64 index in a
// real registry): RUN on arm64 through binfmt_misc + qemu, an OCI index read back by umoci and
// skopeo, and cross-compilation stages (`FROM --platform=$BUILDPLATFORM`) that run once natively.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/executor/build.js';
import type { BuildEvent } from '../../src/executor/events.js';
import type { BuildOptions, BuildResult } from '../../src/executor/options.js';
import type { ImageIndex } from '../../src/spec/types.js';
import { arm64Problem, ensureArm64Emulation } from './binfmt.js';
import { startPlatformFixture, type PlatformFixture } from './fixture.js';

const PLATFORMS = ['linux/amd64', 'linux/arm64'];

let fixture: PlatformFixture;
beforeAll(async () => {
  if (!ensureArm64Emulation()) throw new Error(`arm64 emulation is not available: ${arm64Problem()}`);
  fixture = await startPlatformFixture();
}, 120_000);
afterAll(async () => {
  await fixture?.dispose();
});

interface BuildRun {
  result: BuildResult;
  events: BuildEvent[];
  seconds: number;
}

async function buildTwoPlatforms(dockerfile: string, options: Partial<BuildOptions> = {}): Promise<BuildRun> {
  const context = fixture.tempDir('tsbuild-platforms-ctx-');
  writeFileSync(join(context, 'Dockerfile'), dockerfile);
  const events: BuildEvent[] = [];
  const started = process.hrtime.bigint();
  const result = await build({
    context,
    root: fixture.tempDir('tsbuild-platforms-root-'),
    runtime: 'builtin',
    platforms: PLATFORMS,
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { result, events, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Unpacks every manifest of an OCI layout directory with umoci; returns rootfs by platform. */
function unpackLayout(layout: string): Map<string, string> {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as ImageIndex;
  const top = index.manifests[0];
  const nested = JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', top.digest.slice(7)), 'utf8')) as ImageIndex;
  const rootfs = new Map<string, string>();
  for (const manifest of nested.manifests) {
    const platform = `${manifest.platform?.os}/${manifest.platform?.architecture}`;
    const single = { schemaVersion: 2, manifests: [{ ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'x' } }] };
    writeFileSync(join(layout, 'index.json'), JSON.stringify(single));
    const bundle = join(fixture.tempDir('tsbuild-platforms-bundle-'), 'b');
    execFileSync('umoci', ['unpack', '--image', `${layout}:x`, bundle], { stdio: 'pipe' });
    rootfs.set(platform, join(bundle, 'rootfs'));
  }
  writeFileSync(join(layout, 'index.json'), JSON.stringify(index));
  return rootfs;
}

/** `step.started` events whose step name contains `text`. */
function startedSteps(events: BuildEvent[], text: string): string[] {
  return events.filter((e) => e.type === 'step.started' && e.name.includes(text)).map((e) => (e as { name: string }).name);
}

function skopeoRaw(reference: string): ImageIndex {
  const raw = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reference}`], { encoding: 'utf8' });
  return JSON.parse(raw) as ImageIndex;
}

describe('multi-platform builds', () => {
  it.each(['builtin', 'runc'] as const)('RUN on amd64 and arm64 (emulated, %s sandbox) gives an OCI index with both platforms', async (runtime) => {
    const layout = join(fixture.tempDir(), 'layout');
    const run = await buildTwoPlatforms(
      [`FROM ${fixture.busybox}`, 'RUN uname -m > /arch', 'ARG TARGETARCH', 'RUN echo "$TARGETARCH" > /targetarch'].join('\n'),
      { outputs: [{ type: 'oci', dest: layout, tar: false }], runtime },
    );
    console.log(`two-platform build (${runtime}, 2 RUN per platform, cold): ${run.seconds.toFixed(2)} s`);
    const index = readLayoutIndex(layout);
    expect(index.manifests.map((m) => m.platform)).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ]);
    const rootfs = unpackLayout(layout);
    expect(readFileSync(join(rootfs.get('linux/amd64')!, 'arch'), 'utf8')).toBe('x86_64\n');
    expect(readFileSync(join(rootfs.get('linux/arm64')!, 'arch'), 'utf8')).toBe('aarch64\n');
    expect(readFileSync(join(rootfs.get('linux/amd64')!, 'targetarch'), 'utf8')).toBe('amd64\n');
    expect(readFileSync(join(rootfs.get('linux/arm64')!, 'targetarch'), 'utf8')).toBe('arm64\n');
  }, 120_000);

  it('--push sends the index and both manifests; skopeo reads them back with their configs', async () => {
    const target = `${fixture.registry.host}/demo/multi:1`;
    const run = await buildTwoPlatforms([`FROM ${fixture.busybox}`, 'RUN uname -m > /arch'].join('\n'), {
      tags: [target],
      outputs: [{ type: 'image', push: true, names: [target] }],
    });
    const index = skopeoRaw(target);
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(index.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`)).toEqual(PLATFORMS);
    expect(run.result.digest).toBe(`sha256:${sha256(JSON.stringify(index))}`);
    for (const manifest of index.manifests) {
      const config = JSON.parse(execFileSync('skopeo', [
        'inspect', '--config', '--raw', '--tls-verify=false', `docker://${fixture.registry.host}/demo/multi@${manifest.digest}`,
      ], { encoding: 'utf8' })) as { architecture: string; os: string };
      expect([config.os, config.architecture]).toEqual([manifest.platform?.os, manifest.platform?.architecture]);
    }
  }, 120_000);

  it('FROM --platform=$BUILDPLATFORM stages run natively, once when they do not depend on the target', async () => {
    const layout = join(fixture.tempDir(), 'layout');
    const run = await buildTwoPlatforms([
      `FROM --platform=$BUILDPLATFORM ${fixture.busybox} AS tools`,
      'RUN uname -m > /tools-arch',
      `FROM --platform=$BUILDPLATFORM ${fixture.busybox} AS builder`,
      'ARG TARGETARCH TARGETPLATFORM BUILDPLATFORM',
      'COPY --from=tools /tools-arch /tools-arch',
      'RUN echo "built on $(uname -m) ($BUILDPLATFORM) for $TARGETARCH ($TARGETPLATFORM)" > /out',
      `FROM ${fixture.busybox}`,
      'COPY --from=builder /out /tools-arch /',
    ].join('\n'), { outputs: [{ type: 'oci', dest: layout, tar: false }] });
    expect(startedSteps(run.events, 'RUN uname -m')).toHaveLength(1);
    expect(startedSteps(run.events, 'RUN echo "built on')).toHaveLength(2);
    const rootfs = unpackLayout(layout);
    for (const [platform, arch] of [['linux/amd64', 'amd64'], ['linux/arm64', 'arm64']]) {
      const dir = rootfs.get(platform)!;
      expect(readFileSync(join(dir, 'out'), 'utf8')).toBe(`built on x86_64 (linux/amd64) for ${arch} (${platform})\n`);
      expect(readFileSync(join(dir, 'tools-arch'), 'utf8')).toBe('x86_64\n');
      expect(readFileSync(join(dir, 'bin', 'busybox')).readUInt16LE(18)).toBe(arch === 'arm64' ? 183 : 62);
    }
  }, 120_000);
});

function readLayoutIndex(layout: string): ImageIndex {
  const top = (JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as ImageIndex).manifests[0];
  expect(top.mediaType).toBe('application/vnd.oci.image.index.v1+json');
  return JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', top.digest.slice(7)), 'utf8')) as ImageIndex;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

// Builds and runs through the CLI (dist/cli.js): a foreign RUN with no emulator registered fails
// with a clear error (a fake, empty binfmt_misc dir through $TSBUILD_BINFMT_DIR, so no global
// state changes), cross-compilation stages need no emulator, and `tsbuild run --platform`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arm64Problem, ensureArm64Emulation } from './binfmt.js';
import { startPlatformFixture, type PlatformFixture } from './fixture.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

let fixture: PlatformFixture;
let noEmulator: string;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  if (!ensureArm64Emulation()) throw new Error(`arm64 emulation is not available: ${arm64Problem()}`);
  fixture = await startPlatformFixture();
  noEmulator = fixture.tempDir('tsbuild-binfmt-empty-');
  writeFileSync(join(noEmulator, 'register'), '');
  writeFileSync(join(noEmulator, 'status'), 'enabled\n');
}, 120_000);
afterAll(async () => {
  await fixture?.dispose();
});

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function tsbuild(args: string[], env: Record<string, string> = {}, root = fixture.tempDir('tsbuild-platforms-root-')): CliRun {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TSBUILD_ROOT: root, ...env },
    timeout: 120_000,
  });
}

function context(dockerfile: string): string {
  const dir = mkdtempSync(join(fixture.tempDir('tsbuild-platforms-ctx-'), 'c'));
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

describe('no emulator registered', () => {
  it('a foreign-architecture RUN fails with the line, the platform and how to enable emulation', () => {
    const dir = context([`FROM ${fixture.busybox}`, 'WORKDIR /work', 'RUN uname -m > /arch'].join('\n'));
    const run = tsbuild(['build', '--progress', 'plain', '--platform', 'linux/amd64,linux/arm64', dir], { TSBUILD_BINFMT_DIR: noEmulator });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/Dockerfile:3: cannot run "RUN uname -m > \/arch" for linux\/arm64 on this linux\/amd64 host/);
    expect(run.stderr).toContain('no emulator for arm64 (qemu-aarch64) is registered in binfmt_misc');
    expect(run.stderr).toContain('apt-get install qemu-user-static binfmt-support');
  });

  it('cross-compilation stages (FROM --platform=$BUILDPLATFORM) and RUN-less arm64 stages need none', () => {
    const dir = context([
      `FROM --platform=$BUILDPLATFORM ${fixture.busybox} AS builder`,
      'ARG TARGETARCH',
      'RUN echo "$TARGETARCH from $(uname -m)" > /out',
      `FROM ${fixture.busybox}`,
      'COPY --from=builder /out /out',
    ].join('\n'));
    const archive = join(fixture.tempDir(), 'image.tar');
    const run = tsbuild(
      ['build', '--progress', 'plain', '--platform', 'linux/amd64,linux/arm64', '--output', `type=oci,dest=${archive}`, dir],
      { TSBUILD_BINFMT_DIR: noEmulator },
    );
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    const inspect = spawnSync('skopeo', ['inspect', '--raw', `oci-archive:${archive}`], { encoding: 'utf8' });
    const index = JSON.parse(inspect.stdout) as { manifests: { platform?: { architecture: string } }[] };
    expect(index.manifests.map((m) => m.platform?.architecture)).toEqual(['amd64', 'arm64']);
  });
});

describe('tsbuild run --platform', () => {
  it.each([
    ['linux/arm64', 'aarch64'],
    ['linux/amd64', 'x86_64'],
  ])('%s of the two-platform busybox prints %s', (platform, machine) => {
    const run = tsbuild(['run', '--rm', '--platform', platform, fixture.busybox, 'uname', '-m']);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.stdout).toBe(`${machine}\n`);
    expect(run.status).toBe(0);
  });

  it('runs each platform of a pushed two-platform build (arm64 through qemu)', () => {
    const image = `${fixture.registry.host}/demo/arch:1`;
    const dir = context([`FROM ${fixture.busybox}`, 'RUN uname -m > /arch'].join('\n'));
    const built = tsbuild(['build', '--progress', 'plain', '--platform', 'linux/amd64,linux/arm64', '--push', '-t', image, dir]);
    expect(built.stderr).not.toMatch(/error/i);
    expect(built.status).toBe(0);
    const root = fixture.tempDir('tsbuild-platforms-root-');
    for (const [platform, machine] of [['linux/arm64', 'aarch64'], ['linux/amd64', 'x86_64']]) {
      const run = tsbuild(['run', '--rm', '--pull', 'always', '--platform', platform, image, 'cat', '/arch'], {}, root);
      expect(run.stdout).toBe(`${machine}\n`);
      expect(run.status).toBe(0);
    }
  });
});

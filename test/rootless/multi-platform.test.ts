// A two-platform build as an ordinary user: the arm64 RUN goes through binfmt_misc + qemu inside
// the user's namespace, and the index is pushed to a real registry.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUnprivilegedUser, userSession, type UnprivilegedUser } from '../helpers/unprivileged-user.js';
import { arm64Problem, ensureArm64Emulation } from '../platforms/binfmt.js';
import { startPlatformFixture, type PlatformFixture } from '../platforms/fixture.js';
import { describeResult, userContext } from './fixture.js';

let user: UnprivilegedUser;
let fixture: PlatformFixture;

beforeAll(async () => {
  if (!ensureArm64Emulation()) throw new Error(`arm64 emulation is not available: ${arm64Problem()}`);
  user = ensureUnprivilegedUser('tsbuild-rootless', { subordinateIds: true });
  fixture = await startPlatformFixture();
}, 120_000);
afterAll(async () => {
  await fixture?.dispose();
});

describe('rootless multi-platform build', () => {
  it('runs the arm64 RUN through qemu and pushes an index of both platforms', async () => {
    const session = userSession(user, 'multi-platform');
    const context = userContext(session, 'ctx', { Dockerfile: `FROM ${fixture.busybox}\nRUN uname -m > /arch\n` });
    const ref = `${fixture.registry.host}/rootless/multi:1`;
    const built = await session.tsbuildAsync(['build', '--progress', 'plain', '--platform', 'linux/amd64,linux/arm64', '--push', '-t', ref, context]);
    expect(built.status, describeResult(built)).toBe(0);

    const index = JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${ref}`], { encoding: 'utf8' })) as {
      manifests: { platform?: { architecture: string } }[];
    };
    expect(index.manifests.map((m) => m.platform?.architecture).sort()).toEqual(['amd64', 'arm64']);
    for (const [platform, arch] of [['linux/arm64', 'aarch64'], ['linux/amd64', 'x86_64']]) {
      const ran = await session.tsbuildAsync(['run', '--rm', '--platform', platform, ref, 'cat', '/arch']);
      expect(ran.status, describeResult(ran)).toBe(0);
      expect(ran.stdout).toBe(`${arch}\n`);
    }
  }, 300_000);
});

// Every digest `build` prints finds the image again, as in docker: the image ID (config digest)
// and the manifest digest, full or short, by `run` and `inspect`, for untagged images too, and
// across `save` | `load` into another root.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeBusyboxRootfs } from '../helpers/busybox.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'dist/cli.js');
let work: string;
let env: NodeJS.ProcessEnv;
let context: string;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  work = mkdtempSync(join(tmpdir(), 'tsbuild-image-identity-'));
  await makeBusyboxRootfs(join(work, 'rootfs'));
  env = { ...process.env, TSBUILD_ROOT: join(work, 'root'), CI: '' };
  execFileSync(process.execPath, [cli, 'import', join(work, 'rootfs'), 'base:1'], { env, stdio: 'ignore' });
  context = join(work, 'ctx');
  mkdirSync(context);
  writeFileSync(join(context, 'Dockerfile'), 'FROM base:1\nCMD ["echo", "found by digest"]\n');
});

function tsbuild(args: string[], at = env, input?: Buffer) {
  return spawnSync(process.execPath, [cli, ...args], { env: at, encoding: 'utf8', maxBuffer: 1 << 28, ...(input ? { input } : {}) });
}

describe('digests printed by build', () => {
  it('labels the image ID and the manifest digest, and each finds the untagged image, full or short', () => {
    const built = tsbuild(['build', '--progress', 'plain', context]);
    expect(built.status, built.stderr).toBe(0);
    const imageId = /^image ID: (sha256:[0-9a-f]{64})$/m.exec(built.stderr)?.[1];
    const manifest = /^manifest digest: (sha256:[0-9a-f]{64})$/m.exec(built.stderr)?.[1];
    expect(imageId, built.stderr).toBeDefined();
    expect(manifest, built.stderr).toBeDefined();
    expect(imageId).not.toBe(manifest);
    // Every sha256 the build printed after its progress (whose `#N` lines name the base image's
    // blobs, as BuildKit's do) is one of the two labelled digests.
    const summary = built.stderr.split('\n').filter((line) => !line.startsWith('#')).join('\n');
    const printed = new Set(summary.match(/sha256:[0-9a-f]{64}/g));
    expect([...printed].sort()).toEqual([imageId, manifest].sort());
    for (const digest of [imageId!, manifest!]) {
      for (const ref of [digest, digest.slice(7), digest.slice(7, 19)]) {
        const inspected = tsbuild(['inspect', ref]);
        expect(inspected.status, `inspect ${ref}: ${inspected.stderr}`).toBe(0);
        expect(JSON.parse(inspected.stdout)[0].Id).toBe(imageId);
      }
      const ran = tsbuild(['run', '--rm', digest.slice(7, 19)]);
      expect(ran.stderr).not.toMatch(/docker\.io|pull/i);
      expect(ran.status, ran.stderr).toBe(0);
      expect(ran.stdout).toBe('found by digest\n');
    }
  });

  it('save then load keeps the image ID and the manifest digest, untagged too', () => {
    const imageId = tsbuild(['build', '-q', context]).stdout.trim();
    const listed = JSON.parse(tsbuild(['inspect', imageId]).stdout)[0] as { Id: string; Descriptor: { digest: string } };
    const manifest = listed.Descriptor.digest;
    expect(manifest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const archive = join(work, 'untagged.tar');
    const saved = tsbuild(['save', '-o', archive, imageId.slice(7, 19)]);
    expect(saved.status, saved.stderr).toBe(0);
    const other = { ...env, TSBUILD_ROOT: join(work, 'other-root') };
    const loaded = tsbuild(['load', '-i', archive], other);
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(loaded.stdout).toBe(`Loaded image ID: ${imageId}\n`);
    for (const ref of [imageId.slice(7, 19), manifest.slice(7, 19)]) {
      const inspected = tsbuild(['inspect', ref], other);
      expect(inspected.status, inspected.stderr).toBe(0);
      expect(JSON.parse(inspected.stdout)[0]).toMatchObject({ Id: imageId, Descriptor: { digest: manifest } });
    }
    expect(tsbuild(['images', '-q'], other).stdout).toBe(`${imageId.slice(7, 19)}\n`);
  });
});

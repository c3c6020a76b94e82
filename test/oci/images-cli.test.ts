// End to end through the CLI: import a busybox rootfs, list/inspect/history/tag/rmi, save as
// OCI layout and docker-archive checked by skopeo, umoci and oci-image-tool, and load both back.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { tsbuild, tsbuildInProcess } from './fixtures/run-ts.js';

let work: string;
let root: string;
let imported: string;

async function ok(args: string[], at = root): Promise<string> {
  const result = await tsbuildInProcess(at, args);
  expect(result.status, `tsbuild ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tsbuild-images-'));
  root = join(work, 'root');
  await makeBusyboxRootfs(join(work, 'rootfs'));
  // One real child process: the CLI entry point as users run it.
  const result = tsbuild(root, ['import', '--change', 'CMD ["sh"]', '-c', 'ENV GREETING=hello', join(work, 'rootfs'), 'busybox']);
  expect(result.status, result.stderr).toBe(0);
  imported = result.stdout.trim();
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('tsbuild import / images / inspect / history', () => {
  it('imports a busybox rootfs directory as a one-layer image of the host platform', async () => {
    expect(imported).toMatch(/^sha256:[a-f0-9]{64}$/);
    const [image] = (await ok(['images', '--format', 'json'])).trim().split('\n').map((line) => JSON.parse(line) as Record<string, string>);
    expect(image).toMatchObject({ Repository: 'busybox', Tag: 'latest', Digest: imported });
    expect(image!.Size).toMatch(/^\d+(\.\d+)?[kM]B$/);
    expect(await ok(['images'])).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\nbusybox\s+latest\s+[a-f0-9]{12}\s/);
    const inspected = JSON.parse(await ok(['inspect', '--raw', 'busybox']));
    expect(inspected.digest).toBe(imported);
    expect(inspected.manifest.layers).toHaveLength(1);
    expect(inspected.config).toMatchObject({ os: 'linux', architecture: 'amd64', config: { Cmd: ['sh'], Env: ['GREETING=hello'] } });
    expect(inspected.config.rootfs.diff_ids).toHaveLength(1);
    expect(await ok(['history', 'busybox'])).toContain('tsbuild import');
    const byShortDigest = JSON.parse(await ok(['inspect', '--raw', imported.slice(7, 19)]));
    expect(byShortDigest.digest).toBe(imported);
  });

  it('imports a gzip tarball from stdin to the same layer content', async () => {
    const tarball = execFileSync('tar', ['-czf', '-', '-C', join(work, 'rootfs'), '--sort=name', '.']);
    const result = tsbuild(root, ['import', '--format', 'docker', '-', 'localhost:5000/from-stdin:1'], tarball);
    expect(result.status, result.stderr).toBe(0);
    const inspected = JSON.parse(await ok(['inspect', '--raw', 'localhost:5000/from-stdin:1']));
    expect(inspected.manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(inspected.manifest.config.mediaType).toBe('application/vnd.docker.container.image.v1+json');
    expect(inspected.manifest.layers[0].mediaType).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip');
    expect(inspected.config.rootfs.diff_ids[0]).toMatch(/^sha256:/);
  });

  it('refuses an xz tarball by name and a missing image with NOT_FOUND (exit 1)', async () => {
    const xz = execFileSync('xz', ['-c'], { input: execFileSync('tar', ['-cf', '-', '-C', join(work, 'rootfs'), 'etc']) });
    const refused = tsbuild(root, ['import', '-', 'xz:1'], xz);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/xz-compressed tarballs are not supported/);
    const missing = await tsbuildInProcess(root, ['inspect', 'nosuch:image']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/image "nosuch:image" not found/);
    const noFile = await tsbuildInProcess(root, ['load', '-i', join(work, 'no-such.tar')]);
    expect(noFile).toMatchObject({ status: 1, stderr: expect.stringMatching(/no-such.tar: no such file or directory/) });
  });
});

describe('tsbuild save / load', () => {
  it('saves an OCI layout tar that oci-image-tool, skopeo and umoci accept', async () => {
    const archive = join(work, 'busybox-oci.tar');
    await ok(['save', '-o', archive, 'busybox']);
    const layout = join(work, 'layout');
    mkdirSync(layout);
    execFileSync('tar', ['-xf', archive, '-C', layout]);
    // oci-image-tool 1.0's tar walker is broken for every tar (even skopeo's); validate the layout dir.
    expect(execFileSync('oci-image-tool', ['validate', '--type', 'image', layout], { encoding: 'utf8' })).toContain('Validation succeeded');
    const skopeo = JSON.parse(execFileSync('skopeo', ['inspect', `oci-archive:${archive}`], { encoding: 'utf8' }));
    expect(skopeo).toMatchObject({ Digest: imported, Architecture: 'amd64', Os: 'linux' });
    // The same layout written as a directory by `--format oci-dir`, unpacked by umoci.
    const dirLayout = join(work, 'oci-dir');
    await ok(['save', '--format', 'oci-dir', '-o', dirLayout, 'busybox']);
    expect(execFileSync('oci-image-tool', ['validate', '--type', 'image', dirLayout], { encoding: 'utf8' })).toContain('Validation succeeded');
    const bundle = join(work, 'bundle');
    execFileSync('umoci', ['unpack', '--image', `${dirLayout}:latest`, bundle]);
    expect(readFileSync(join(bundle, 'rootfs', 'etc', 'passwd'), 'utf8')).toMatch(/^root:x:0:0:/);
    expect(execFileSync(join(bundle, 'rootfs', 'bin', 'sh'), ['-c', 'echo from-umoci'], { encoding: 'utf8' })).toBe('from-umoci\n');
  });

  it('saves a docker-archive that skopeo reads and copies (verifying layers against diff_ids)', async () => {
    const archive = join(work, 'busybox-docker.tar');
    await ok(['save', '-o', archive, '--format', 'docker', 'busybox']);
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', archive, 'manifest.json'], { encoding: 'utf8' }));
    expect(manifest[0].RepoTags).toEqual(['busybox:latest']);
    const config = JSON.parse(await ok(['inspect', '--raw', 'busybox'])).config;
    const skopeo = JSON.parse(execFileSync('skopeo', ['inspect', `docker-archive:${archive}`], { encoding: 'utf8' }));
    expect(skopeo.Layers).toEqual(config.rootfs.diff_ids);
    const copy = join(work, 'skopeo-copy');
    execFileSync('skopeo', ['copy', `docker-archive:${archive}`, `oci:${copy}:x`]);
    expect(readdirSync(join(copy, 'blobs', 'sha256')).length).toBe(3);
    // buildah reads it through containers/image + containers/storage, as `podman load` does.
    const storage = ['--storage-driver', 'vfs', '--root', join(work, 'buildah'), '--runroot', join(work, 'buildah-run')];
    const id = execFileSync('buildah', [...storage, 'pull', '-q', `docker-archive:${archive}`], { encoding: 'utf8' }).trim();
    expect(`sha256:${id}`).toBe(JSON.parse(await ok(['inspect', '--raw', 'busybox'])).manifest.config.digest);
  });

  it('load round-trips both formats into a fresh root', async () => {
    const fresh = join(work, 'fresh');
    expect(await ok(['load', '-i', join(work, 'busybox-oci.tar')], fresh)).toBe('Loaded image: busybox:latest\n');
    expect(await ok(['images', '--digests', '--format', '{{.Digest}}'], fresh)).toBe(`${imported}\n`);
    const original = JSON.parse(await ok(['inspect', '--raw', 'busybox'])).config;
    const other = join(work, 'fresh-docker');
    expect(await ok(['load', '-i', join(work, 'busybox-docker.tar')], other)).toBe('Loaded image: busybox:latest\n');
    const loaded = JSON.parse(await ok(['inspect', '--raw', 'busybox'], other));
    expect(loaded.manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(loaded.config).toEqual(original);
    // The docker-loaded image exports again as a valid OCI archive.
    const again = join(work, 'again.tar');
    await ok(['save', '-o', again, 'busybox'], other);
    expect(JSON.parse(execFileSync('skopeo', ['inspect', `oci-archive:${again}`], { encoding: 'utf8' })).Layers).toHaveLength(1);
  });
});

describe('tsbuild tag / rmi', () => {
  it('tags, then removes names and only the blobs no other image uses', async () => {
    const at = join(work, 'rmi-root');
    await ok(['load', '-i', join(work, 'busybox-oci.tar')], at);
    await ok(['tag', 'busybox', 'localhost:5000/bb:2'], at);
    const blobs = join(at, 'blobs', 'sha256');
    expect(readdirSync(blobs)).toHaveLength(3);
    expect(await ok(['rmi', 'busybox'], at)).toBe('Untagged: busybox:latest\n');
    expect(readdirSync(blobs)).toHaveLength(3);
    expect(await ok(['rmi', 'localhost:5000/bb:2'], at)).toMatch(/Untagged: localhost:5000\/bb:2\nDeleted: 3 blob/);
    expect(readdirSync(blobs)).toHaveLength(0);
    expect(existsSync(join(at, 'images', 'index.json'))).toBe(true);
    expect((await tsbuildInProcess(at, ['rmi', 'busybox'])).status).toBe(1);
  });
});

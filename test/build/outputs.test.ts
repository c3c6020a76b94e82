// Build outputs read back by independent tools: oci-image-tool, skopeo and umoci for OCI and
// docker archives, plain files for local/tar, a real registry for --push, and the CLI's
// --iidfile / --metadata-file.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';
import { EPOCH, buildImage, newRoot, removeTempDirs, tempDir, writeContext } from './helpers.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const DOCKERFILE = [
  'FROM busybox',
  'COPY --chown=1:1 --chmod=0751 tool /usr/local/bin/tool',
  'RUN mkdir -m 0700 /private && chown 65534:65534 /private && ln -s /usr/local/bin/tool /tool-link && mknod /private/null c 1 3',
  'LABEL org.example.test=outputs',
  'CMD ["/usr/local/bin/tool"]',
].join('\n');

let root: string;
let context: string;
let registry: TestRegistry;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  [root, registry] = await Promise.all([newRoot(), startRegistry()]);
  context = writeContext({ tool: { content: '#!/bin/sh\necho tool\n', mode: 0o644 }, Dockerfile: DOCKERFILE });
});
afterAll(async () => {
  await registry?.stop();
  removeTempDirs();
});

function tsbuild(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, TSBUILD_ROOT: root } });
}

function checkRootfs(rootfs: string): void {
  const tool = lstatSync(join(rootfs, 'usr/local/bin/tool'));
  expect([tool.uid, tool.gid, tool.mode & 0o7777]).toEqual([1, 1, 0o751]);
  const privateDir = lstatSync(join(rootfs, 'private'));
  expect([privateDir.isDirectory(), privateDir.uid, privateDir.gid, privateDir.mode & 0o7777]).toEqual([true, 65534, 65534, 0o700]);
  expect(lstatSync(join(rootfs, 'tool-link')).isSymbolicLink()).toBe(true);
  const device = lstatSync(join(rootfs, 'private/null'));
  expect([device.isCharacterDevice(), device.rdev]).toEqual([true, 0x103]);
  expect(readFileSync(join(rootfs, 'usr/local/bin/tool'), 'utf8')).toBe('#!/bin/sh\necho tool\n');
}

describe('outputs', () => {
  it('type=oci tar (CLI) passes oci-image-tool, skopeo and umoci; --iidfile and --metadata-file are written', () => {
    const out = tempDir();
    const archive = join(out, 'image.tar');
    const iid = join(out, 'iid');
    const metadata = join(out, 'metadata.json');
    const result = tsbuild([
      'build', '--progress', 'plain', '-t', 'demo/outputs:1', '--output', `type=oci,dest=${archive}`,
      '--iidfile', iid, '--metadata-file', metadata, context,
    ]);
    expect(result.stderr + result.stdout).not.toMatch(/error/i);
    expect(result.status).toBe(0);

    const layout = join(out, 'layout');
    mkdirSync(layout);
    execFileSync('tar', ['-xf', archive, '-C', layout]);
    // this oci-image-tool leaves --type imageLayout unimplemented; --type image autodetects the layout
    expect(execFileSync('oci-image-tool', ['validate', '--type', 'image', layout], { encoding: 'utf8' })).toMatch(/autodetected image file type is: imageLayout[\s\S]*Validation succeeded/);
    const inspected = JSON.parse(execFileSync('skopeo', ['inspect', `oci-archive:${archive}`], { encoding: 'utf8' })) as {
      Digest: string; Labels: Record<string, string>; Layers: string[];
    };
    expect(inspected.Labels).toEqual({ 'org.example.test': 'outputs' });
    expect(inspected.Layers).toHaveLength(3);

    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    const ref = index.manifests[0].annotations?.['org.opencontainers.image.ref.name'];
    expect(ref).toBeDefined();
    const bundle = join(out, 'bundle');
    execFileSync('umoci', ['unpack', '--image', `${layout}:${ref}`, bundle], { stdio: 'pipe' });
    checkRootfs(join(bundle, 'rootfs'));

    const meta = JSON.parse(readFileSync(metadata, 'utf8')) as Record<string, unknown>;
    expect(meta['containerimage.digest']).toBe(index.manifests[0].digest);
    expect(meta['containerimage.digest']).toBe(inspected.Digest);
    expect(meta['containerimage.config.digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(meta['containerimage.descriptor']).toMatchObject({ digest: inspected.Digest, mediaType: 'application/vnd.oci.image.manifest.v1+json' });
    expect(readFileSync(iid, 'utf8')).toBe(meta['containerimage.config.digest']);
  });

  it('type=oci,tar=false writes a layout directory that validates and unpacks', async () => {
    const layout = join(tempDir(), 'layout');
    await buildImage(root, context, DOCKERFILE, { tags: ['demo/dir:2'], outputs: [{ type: 'oci', dest: layout, tar: false }] });
    expect(execFileSync('oci-image-tool', ['validate', '--type', 'image', layout], { encoding: 'utf8' })).toMatch(/Validation succeeded/);
    const bundle = join(tempDir(), 'bundle');
    execFileSync('umoci', ['unpack', '--image', `${layout}:2`, bundle], { stdio: 'pipe' });
    checkRootfs(join(bundle, 'rootfs'));
  });

  it('type=docker tar is read by skopeo docker-archive:', async () => {
    const archive = join(tempDir(), 'docker.tar');
    await buildImage(root, context, DOCKERFILE, { tags: ['demo/docker:1'], outputs: [{ type: 'docker', dest: archive }] });
    const inspected = JSON.parse(execFileSync('skopeo', ['inspect', `docker-archive:${archive}`], { encoding: 'utf8' })) as {
      Labels: Record<string, string>; Layers: string[]; RepoTags: string[];
    };
    expect(inspected.Labels).toEqual({ 'org.example.test': 'outputs' });
    expect(inspected.Layers).toHaveLength(3);
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', archive, 'manifest.json'], { encoding: 'utf8' })) as { RepoTags: string[] }[];
    expect(manifest[0].RepoTags).toEqual(['demo/docker:1']);
  });

  it('type=local writes the rootfs files; type=tar writes them as a tarball', async () => {
    const dir = join(tempDir(), 'local');
    const tarball = join(tempDir(), 'rootfs.tar');
    await buildImage(root, context, DOCKERFILE, { outputs: [{ type: 'local', dest: dir }, { type: 'tar', dest: tarball }] });
    checkRootfs(dir);
    expect(readdirSync(join(dir, 'bin'))).toContain('busybox');
    const listing = execFileSync('tar', ['-tvf', tarball, '--numeric-owner'], { encoding: 'utf8' });
    expect(listing).toMatch(/^-rwxr-x--x 1\/1 .* usr\/local\/bin\/tool$/m);
    expect(listing).toMatch(/^drwx------ 65534\/65534 .* private\/?$/m);
    expect(listing).toMatch(/^lrwxrwxrwx 0\/0 .* tool-link -> \/usr\/local\/bin\/tool$/m);
    expect(listing).toMatch(/^crw-r--r-- 0\/0 +1,3 .* private\/null$/m);
  });

  it('type=tar of a multi-platform build: one directory per platform, as BuildKit (GNU tar reads it whole)', async () => {
    const tarball = join(tempDir(), 'platforms.tar');
    const dockerfile = 'FROM scratch\nARG TARGETARCH\nCOPY tool /tool-$TARGETARCH\n';
    const own = writeContext({ tool: '#!/bin/sh\necho tool\n' });
    await buildImage(root, own, dockerfile, { platforms: ['linux/amd64', 'linux/arm64'], outputs: [{ type: 'tar', dest: tarball }] });
    const listing = execFileSync('tar', ['-tvf', tarball, '--numeric-owner'], { encoding: 'utf8' });
    expect(listing).toMatch(/^drwxr-xr-x 0\/0 .* linux_amd64\/?$/m);
    expect(listing).toMatch(/^drwxr-xr-x 0\/0 .* linux_arm64\/?$/m);
    const out = tempDir();
    execFileSync('tar', ['-xf', tarball, '-C', out]);
    expect(readFileSync(join(out, 'linux_amd64/tool-amd64'), 'utf8')).toBe('#!/bin/sh\necho tool\n');
    expect(readFileSync(join(out, 'linux_arm64/tool-arm64'), 'utf8')).toBe('#!/bin/sh\necho tool\n');
    expect(readdirSync(out).sort()).toEqual(['linux_amd64', 'linux_arm64']);
  });

  it('--push (CLI) uploads to a real registry that skopeo then reads', () => {
    const name = `${registry.host}/demo/pushed:1`;
    const result = tsbuild(['build', '--progress', 'plain', '--push', '-t', name, context]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    const inspected = JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${name}`], { encoding: 'utf8' })) as {
      Labels: Record<string, string>; Layers: string[]; Digest: string;
    };
    expect(inspected.Labels).toEqual({ 'org.example.test': 'outputs' });
    expect(inspected.Layers).toHaveLength(3);
    const bundle = join(tempDir(), 'b');
    const layout = join(tempDir(), 'pulled');
    execFileSync('skopeo', ['copy', '--src-tls-verify=false', `docker://${name}`, `oci:${layout}:pulled`], { stdio: 'pipe' });
    execFileSync('umoci', ['unpack', '--image', `${layout}:pulled`, bundle], { stdio: 'pipe' });
    checkRootfs(join(bundle, 'rootfs'));
  });

  it('the same build with SOURCE_DATE_EPOCH exports an identical image to oci and the registry', async () => {
    const name = `${registry.host}/demo/epoch:1`;
    const archive = join(tempDir(), 'epoch.tar');
    const { result } = await buildImage(root, context, DOCKERFILE, {
      sourceDateEpoch: EPOCH,
      outputs: [{ type: 'image', push: true, names: [name] }, { type: 'oci', dest: archive, tar: true }],
    });
    const fromRegistry = JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${name}`], { encoding: 'utf8' })) as { Digest: string };
    const fromArchive = JSON.parse(execFileSync('skopeo', ['inspect', `oci-archive:${archive}`], { encoding: 'utf8' })) as { Digest: string };
    expect(fromRegistry.Digest).toBe(result.digest);
    expect(fromArchive.Digest).toBe(result.digest);
  });
});

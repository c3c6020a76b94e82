// Archives between tsbuild and a real Docker engine: `docker save x | tsbuild load` (stdin,
// plain or gzip'd, `-i -`), docker 25's layout (OCI index plus manifest.json), and
// `tsbuild save --format docker | docker load`; the image ID survives every trip.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { startDockerd, type TestDockerd } from '../helpers/dockerd.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'dist/cli.js');
let work: string;
let dockerd: TestDockerd;
let imageId: string;
let roots = 0;

function tsbuild(root: string, args: string[], input?: Buffer) {
  return spawnSync(process.execPath, [cli, ...args], {
    env: { ...process.env, TSBUILD_ROOT: root }, encoding: 'utf8', maxBuffer: 1 << 28, ...(input ? { input } : { stdio: ['ignore', 'pipe', 'pipe'] }),
  });
}

const freshRoot = () => join(work, `root-${++roots}`);

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  work = mkdtempSync(join(tmpdir(), 'tsbuild-docker-archives-'));
  dockerd = await startDockerd();
  await makeBusyboxRootfs(join(work, 'rootfs'));
  const source = join(work, 'source-root');
  expect(tsbuild(source, ['import', '--change', 'CMD ["sh"]', join(work, 'rootfs'), 'demo/box:1']).status).toBe(0);
  const archive = execFileSync(process.execPath, [cli, 'save', '--format', 'docker', 'demo/box:1'], { env: { ...process.env, TSBUILD_ROOT: source }, maxBuffer: 1 << 28 });
  // docker 20.10 loads the docker-archive tsbuild writes, under the same image ID.
  expect(dockerd.docker(['load'], archive)).toBe('Loaded image: demo/box:1\n');
  imageId = dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', 'demo/box:1']).trim();
  expect(imageId).toBe(JSON.parse(tsbuild(source, ['inspect', 'demo/box:1']).stdout)[0].Id);
}, 300_000);

afterAll(async () => {
  await dockerd?.stop();
});

function expectLoaded(root: string, name: string): void {
  const inspected = tsbuild(root, ['inspect', '--format', '{{.Id}} {{.RepoTags}}', name]);
  expect(inspected.status, inspected.stderr).toBe(0);
  expect(inspected.stdout).toBe(`${imageId} [${name}]\n`);
}

describe('docker save | tsbuild load', () => {
  it.each([
    ['stdin, no -i', [] as string[], (b: Buffer) => b],
    ['-i -', ['-i', '-'], (b: Buffer) => b],
    ['gzip on stdin', ['-i', '-'], (b: Buffer) => gzipSync(b)],
  ])('loads docker 20.10\'s archive from %s with the same image ID', (_, args, transform) => {
    const saved = execFileSync('/usr/bin/docker', ['-H', dockerd.host, 'save', 'demo/box:1'], { maxBuffer: 1 << 28 });
    const root = freshRoot();
    const loaded = tsbuild(root, ['load', ...args], transform(saved));
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(loaded.stdout).toBe('Loaded image: demo/box:1\n');
    expectLoaded(root, 'demo/box:1');
  });

  it('loads docker 25\'s layout (an OCI index next to manifest.json and repositories)', () => {
    const source = freshRoot();
    const saved = execFileSync('/usr/bin/docker', ['-H', dockerd.host, 'save', 'demo/box:1'], { maxBuffer: 1 << 28 });
    expect(tsbuild(source, ['load'], saved).status).toBe(0);
    const layout = join(work, 'docker25');
    expect(tsbuild(source, ['save', '--format', 'oci-dir', '-o', layout, 'demo/box:1']).status).toBe(0);
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(readFileSync(join(layout, 'blobs', index.manifests[0]!.digest.replace(':', '/')), 'utf8')) as {
      config: { digest: string }; layers: { digest: string }[];
    };
    const blob = (digest: string) => `blobs/${digest.replace(':', '/')}`;
    writeFileSync(join(layout, 'manifest.json'), JSON.stringify([{ Config: blob(manifest.config.digest), RepoTags: ['demo/box:1'], Layers: manifest.layers.map((l) => blob(l.digest)) }]));
    writeFileSync(join(layout, 'repositories'), JSON.stringify({ 'demo/box': { 1: manifest.layers.at(-1)!.digest.slice(7) } }));
    const root = freshRoot();
    const loaded = tsbuild(root, ['load'], execFileSync('tar', ['-cf', '-', '-C', layout, '.'], { maxBuffer: 1 << 28 }));
    expect(loaded.status, loaded.stderr).toBe(0);
    expectLoaded(root, 'demo/box:1');
  });

  it('says clearly when stdin is empty', () => {
    const loaded = tsbuild(freshRoot(), ['load'], Buffer.alloc(0));
    expect(loaded.status).toBe(2);
    expect(loaded.stderr).toBe('error: nothing to load: stdin is empty\n');
  });
});

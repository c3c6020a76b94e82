// Differential test against buildah (apt package `buildah`): the same Dockerfile built by both on
// the same busybox base (an oci-archive for buildah), then the unpacked rootfs trees and the
// config fields compared. Known, explained differences are listed in KNOWN_TREE_DIFFERENCES.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalImages } from '../../src/oci/local-images.js';
import { saveOciArchive } from '../../src/oci/archive-oci.js';
import type { ContainerConfig } from '../../src/spec/types.js';
import { buildImage, newRoot, removeTempDirs, tempDir, unpackImage, writeContext } from './helpers.js';

const DOCKERFILE = [
  'ARG BASE=busybox',
  'FROM ${BASE}',
  'ENV APP=/app GREETING="hello world"',
  'WORKDIR /app',
  'COPY a.txt ./',
  'COPY --chown=1:1 dir /app/dir',
  'COPY --chmod=0755 script.sh /usr/local/bin/script',
  'COPY link /app/link',
  'RUN mkdir -p /data/sub && echo hello > /data/hello && ln -s /data/hello /app/hello-link && chown -R 65534:65534 /data && chmod 0700 /data',
  'RUN rm /etc/group && rm -r /home && echo extra >> /etc/passwd && mkfifo /app/fifo',
  'USER nobody',
  'EXPOSE 8080 53/udp',
  'LABEL org.example.diff=yes',
  'ENTRYPOINT ["/usr/local/bin/script"]',
  'CMD ["arg"]',
].join('\n');

/**
 * Present only in buildah's image, for a documented reason: its chroot isolation creates the RUN
 * mountpoints `/etc/hosts`, `/etc/resolv.conf`, `/etc/hostname` (empty files) and `/run` in the
 * layer when the base lacks them. BuildKit and tsbuild keep them out of layers.
 */
const BUILDAH_ONLY = ['etc/hostname', 'etc/hosts', 'etc/resolv.conf', 'run'];

/** Default PATH that BuildKit and buildah add to Env when the base image has none. */
const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface TreeEntry {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  link?: string;
  sha256?: string;
}

function snapshotTree(dir: string, prefix = '', out = new Map<string, TreeEntry>()): Map<string, TreeEntry> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    const stat = lstatSync(path);
    const type = stat.isDirectory() ? 'dir' : stat.isSymbolicLink() ? 'symlink' : stat.isFile() ? 'file' : stat.isFIFO() ? 'fifo' : 'other';
    const entry: TreeEntry = { type, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid };
    if (type === 'symlink') entry.link = readlinkSync(path);
    if (type === 'file') entry.sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
    if (type === 'symlink') entry.mode = 0o777;
    out.set(rel, entry);
    if (type === 'dir') snapshotTree(path, rel, out);
  }
  return out;
}

function buildah(args: string[], storage: string): string {
  const base = ['--root', join(storage, 'root'), '--runroot', join(storage, 'runroot'), '--storage-driver', 'vfs'];
  return execFileSync('buildah', [...base, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
}

function pick(config: ContainerConfig | undefined) {
  return {
    Env: config?.Env, Cmd: config?.Cmd, Entrypoint: config?.Entrypoint, WorkingDir: config?.WorkingDir,
    User: config?.User, Labels: config?.Labels, ExposedPorts: config?.ExposedPorts,
  };
}

let root: string;
let storage: string;
beforeAll(async () => {
  execFileSync('buildah', ['--version']); // fails loudly when buildah is missing
  root = await newRoot();
  storage = tempDir('tsbuild-buildah-');
});
afterAll(() => {
  removeTempDirs();
});

describe('differential: tsbuild vs buildah', () => {
  it('produces the same rootfs tree and config fields', async () => {
    const context = writeContext({
      'a.txt': 'a\n', 'dir/sub/f.txt': 'f\n', 'dir/g': 'g\n', 'script.sh': { content: '#!/bin/sh\necho "$@"\n', mode: 0o644 },
      link: { symlink: 'a.txt' },
    });
    const ours = await buildImage(root, context, DOCKERFILE);
    const ourRootfs = unpackImage(root, ours.result.digest);

    const baseArchive = join(storage, 'base.tar');
    const images = await LocalImages.open(root);
    await saveOciArchive(images.store, [{ name: 'busybox:latest', descriptor: (await images.locate('busybox:latest')).descriptor }], baseArchive);
    buildah(['bud', '--runtime', 'runc', '--layers', '--isolation', 'chroot', '--build-arg', `BASE=oci-archive:${baseArchive}`, '-t', 'tsbuild-diff', context], storage);
    const layout = join(storage, 'layout');
    buildah(['push', 'tsbuild-diff', `oci:${layout}:diff`], storage);
    const bundle = join(storage, 'bundle');
    execFileSync('umoci', ['unpack', '--image', `${layout}:diff`, bundle], { stdio: 'pipe' });

    const theirs = snapshotTree(join(bundle, 'rootfs'));
    const mine = snapshotTree(ourRootfs);
    const paths = new Set([...theirs.keys(), ...mine.keys()]);
    const differences: string[] = [];
    for (const path of [...paths].sort()) {
      if (BUILDAH_ONLY.includes(path)) {
        expect([path, mine.has(path), theirs.has(path)]).toEqual([path, false, true]);
        continue;
      }
      const a = JSON.stringify(mine.get(path));
      const b = JSON.stringify(theirs.get(path));
      if (a !== b) differences.push(`${path}: tsbuild ${a ?? 'missing'} buildah ${b ?? 'missing'}`);
    }
    expect(differences).toEqual([]);
    expect(mine.size).toBeGreaterThan(250); // busybox applets + the files built above
    expect(mine.get('app/fifo')?.type).toBe('fifo');
    expect(mine.has('etc/group')).toBe(false);

    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(readFileSync(join(layout, 'blobs/sha256', index.manifests[0].digest.slice(7)), 'utf8')) as { config: { digest: string } };
    const theirConfig = JSON.parse(readFileSync(join(layout, 'blobs/sha256', manifest.config.digest.slice(7)), 'utf8')) as { config?: ContainerConfig };
    // buildah stamps its own version label; BuildKit does not.
    const theirLabels = { ...theirConfig.config?.Labels };
    expect(theirLabels['io.buildah.version']).toMatch(/^\d+\./);
    delete theirLabels['io.buildah.version'];
    // Both add the default PATH when the base image has none, as BuildKit does.
    expect(theirConfig.config?.Env).toContain(DEFAULT_PATH);
    expect(ours.result.config.config?.Env).toContain(DEFAULT_PATH);
    expect(pick(ours.result.config.config)).toEqual(pick({ ...theirConfig.config, Labels: theirLabels }));
  });
});

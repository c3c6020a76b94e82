// Pull and push throughput of tsbuild vs `skopeo copy` for a ~300 MB image of random layers on
// loopback against docker-registry, in alternating rounds (the machine is shared and noisy).
// Run: [CHUNK_MIB=n] node --import tsx bench/registry-throughput.ts [MiB per layer=100] [layers=3] [rounds=3]
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskContentStore } from '../src/oci/disk-store.js';
import { ImageNames } from '../src/oci/image-names.js';
import { pullImage } from '../src/registry/pull.js';
import { pushImage } from '../src/registry/push.js';
import { startRegistry } from '../test/helpers/registry-server.js';
import { makeImage, writeOciLayout } from '../test/registry/fixtures.js';

const MiB = 1024 * 1024;
const [layerMiB = 100, layerCount = 3, rounds = 3] = process.argv.slice(2).map(Number);
const results = new Map<string, number[]>();
// Upload chunk size knob (default: the client's own).
const chunkSize = process.env['CHUNK_MIB'] ? Number(process.env['CHUNK_MIB']) * MiB : undefined;

async function timed(label: string, bytes: number, action: () => Promise<unknown> | unknown): Promise<void> {
  const start = process.hrtime.bigint();
  await action();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  results.set(label, [...(results.get(label) ?? []), bytes / MiB / seconds]);
}

const work = await mkdtemp(join(tmpdir(), 'tsbuild-bench-registry-'));
try {
  const src = await DiskContentStore.open(join(work, 'src'));
  const names = new ImageNames(src.layout);
  const image = await makeImage(src, Array.from({ length: layerCount }, () => layerMiB * MiB));
  const total = image.manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
  const layout = join(work, 'layout');
  await writeOciLayout(layout, src, image.descriptor, 'v1');
  console.log(`image: ${layerCount} layers x ${layerMiB} MiB = ${(total / MiB).toFixed(0)} MiB; ${rounds} rounds on loopback`);
  for (let round = 0; round < rounds; round++) {
    // A fresh registry each round: nothing to skip, and skopeo's blob cache cannot mount.
    const registry = await startRegistry();
    const tsName = `${registry.host}/bench/tsbuild-${round}:1`;
    await names.set(tsName, image.descriptor);
    await timed('tsbuild push', total, () => pushImage(tsName, { store: src, names, chunkSize }));
    const dst = await DiskContentStore.open(join(work, `dst-${round}`));
    await timed('tsbuild pull', total, () => pullImage(tsName, { store: dst }));
    const skName = `docker://${registry.host}/bench/skopeo-${round}:1`;
    await timed('skopeo copy oci: -> docker://', total, () =>
      execFileSync('skopeo', ['copy', '-q', '--dest-tls-verify=false', `oci:${layout}:v1`, skName]));
    await timed('skopeo copy docker:// -> oci:', total, () =>
      execFileSync('skopeo', ['copy', '-q', '--src-tls-verify=false', skName, `oci:${join(work, `back-${round}`)}:v1`]));
    await rm(join(work, `dst-${round}`), { recursive: true, force: true });
    await rm(join(work, `back-${round}`), { recursive: true, force: true });
    await registry.stop();
  }
  for (const [label, rates] of results) {
    const sorted = [...rates].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    console.log(`${label.padEnd(32)} median ${median.toFixed(0).padStart(4)} MiB/s  (runs: ${rates.map((r) => r.toFixed(0)).join(', ')})`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

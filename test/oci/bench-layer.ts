// Measures layer export throughput (tar -> compress -> sha256 -> store) on a directory.
// Usage: node --import tsx test/oci/bench-layer.ts DIR [RUNS]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { writeLayer, type LayerOptions } from '../../src/oci/layer.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: bench-layer.ts DIR [RUNS]');
const RUNS = Number(process.argv[3] ?? 2);

const cases: [string, LayerOptions][] = [
  ['uncompressed (tar+sha256 only)', { compression: 'uncompressed' }],
  ['parallel level 1', { compressor: 'parallel', level: 1 }],
  ['parallel level 6', { compressor: 'parallel', level: 6 }],
  ['zlib level 1', { compressor: 'zlib', level: 1 }],
  ['zlib level 6', { compressor: 'zlib', level: 6 }],
  ['pigz level 1', { compressor: 'pigz', level: 1 }],
  ['pigz level 6', { compressor: 'pigz', level: 6 }],
];

// The first case is uncompressed: its blob size is the tar size the others are measured by.
let tarMiB: number | undefined;
for (const [label, options] of cases) {
  // Best of RUNS: the machine is shared, so the fastest run is the least disturbed one.
  let seconds = Infinity;
  let cpuSeconds = Infinity;
  let layer: Awaited<ReturnType<typeof writeLayer>> | undefined;
  let store: DiskContentStore | undefined;
  for (let run = 0; run < RUNS; run++) {
    const root = await mkdtemp(join(tmpdir(), 'tsbuild-bench-'));
    store = await DiskContentStore.open(root);
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    layer = await writeLayer(store, { dir, mode: 'plain' }, options);
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - started) / 1e9);
    const used = process.cpuUsage(cpu);
    cpuSeconds = Math.min(cpuSeconds, (used.user + used.system) / 1e6);
    if (run < RUNS - 1) await rm(root, { recursive: true, force: true });
  }
  if (!layer || !store) throw new Error('no run');
  const blobMiB = (await store.stat(layer.descriptor.digest))!.size / 2 ** 20;
  tarMiB ??= blobMiB;
  // CPU time is less sensitive to other load than wall time (pigz's child CPU is not counted).
  console.log(`${label}: ${seconds.toFixed(2)} s, ${(tarMiB / seconds).toFixed(0)} MiB/s of tar, ` +
    `cpu ${cpuSeconds.toFixed(2)} s in-process, blob ${blobMiB.toFixed(1)} MiB, diffId ${layer.diffId.slice(7, 19)}`);
  await rm(store.layout.root, { recursive: true, force: true });
}

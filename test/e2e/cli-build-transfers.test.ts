// Pulls and pushes as BuildKit shows them: the base image's manifest and config under
// `[internal] load metadata for …`, its layers' download and unpacking under the FROM step
// (`[1/2] FROM name@sha256:…`, `resolve …`, each layer, `extracting …`), the push under
// `exporting to image`; each blob once, never before `#1` nor charged to the next step. A base
// already pulled and unpacked shows CACHED under FROM.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../src/executor/index.js';
import { pushBusyboxBase } from '../helpers/registry-base.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
let work: string;
let registry: TestRegistry;
let base: string;
let context: string;
/** The base image's manifest digest and its one layer's digest, as the registry has them. */
let manifestDigest: string;
let layerDigest: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tsbuild-transfers-'));
  registry = await startRegistry();
  base = await pushBusyboxBase(registry, work);
  const response = await fetch(`${registry.url}/v2/library/busybox/manifests/1`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' },
  });
  manifestDigest = response.headers.get('docker-content-digest')!;
  const manifest = (await response.json()) as { layers: { digest: string }[] };
  expect(manifest.layers).toHaveLength(1);
  layerDigest = manifest.layers[0].digest;
  context = join(work, 'ctx');
  mkdirSync(context);
  writeFileSync(join(context, 'Dockerfile'), `FROM ${base}\nRUN echo built > /built\n`);
});
afterAll(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

function build(root: string, progress: string, ...flags: string[]) {
  const env = { ...process.env, TSBUILD_ROOT: join(work, root), CI: '' };
  const result = spawnSync(process.execPath, [cli, 'build', '--progress', progress, ...flags, context], { encoding: 'utf8', env });
  expect(result.status, result.stderr).toBe(0);
  return result;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('base-image pulls in plain progress', () => {
  it('resolve under load metadata, layers and their unpacking under FROM, the push under exporting; a second build shows FROM CACHED', () => {
    const lines = build('plain-root', 'plain', '--push', '-t', `${registry.host}/demo/app:1`).stderr.split('\n');
    expect(lines[0]).toBe(`#1 [internal] load metadata for ${base}`);
    const metadataDone = lines.findIndex((l) => /^#1 DONE \d+\.\ds$/.test(l));
    expect(lines[metadataDone + 1]).toBe(`#2 [1/2] FROM ${base}@${manifestDigest}`);
    const fromLines = lines.filter((l) => l.startsWith('#2 '));
    expect(fromLines[1]).toMatch(new RegExp(`^#2 resolve ${escape(base)}@${manifestDigest}( \\d+\\.\\ds)? done$`));
    expect(fromLines).toContainEqual(expect.stringMatching(new RegExp(`^#2 pull ${layerDigest} \\d+ bytes done$`)));
    expect(fromLines).toContainEqual(expect.stringMatching(new RegExp(`^#2 extracting ${layerDigest}( \\d+\\.\\ds)? done$`)));
    const fromDone = lines.findIndex((l) => /^#2 DONE \d+\.\ds$/.test(l));
    expect(lines.findIndex((l) => l.includes(layerDigest))).toBeGreaterThan(metadataDone);
    expect(fromDone).toBeLessThan(lines.indexOf('#3 [2/2] RUN echo built > /built'));
    // Nothing of the base is charged to the RUN, and no blob line is printed twice.
    expect(lines.filter((l) => l.startsWith('#3 ') && l.includes(layerDigest))).toEqual([]);
    const pulls = lines.filter((l) => / pull sha256:/.test(l));
    expect(new Set(pulls).size).toBe(pulls.length);
    const exporting = lines.find((l) => / exporting to image$/.test(l))!;
    const number = /^#(\d+) /.exec(exporting)![1];
    const pushes = lines.filter((l) => / push sha256:/.test(l));
    expect(pushes.length).toBeGreaterThanOrEqual(2);
    for (const line of pushes) expect(line).toMatch(new RegExp(`^#${number} push sha256:[0-9a-f]{64} \\d+ bytes done$`));
    expect(new Set(pushes).size).toBe(pushes.length);

    const again = build('plain-root', 'plain').stderr.split('\n');
    expect(again.slice(0, 2)).toEqual([`#1 [1/2] FROM ${base}@${manifestDigest}`, '#1 CACHED']);
    expect(again.filter((l) => l.includes(layerDigest))).toEqual([]);
  });
});

describe('base-image pulls in json progress', () => {
  it("the layer's transfer and unpacking belong to the FROM step, which ends before the RUN starts", () => {
    const events = build('json-root', 'rawjson').stdout.trim().split('\n').map((l) => JSON.parse(l) as BuildEvent);
    const started = events.filter((e): e is Extract<BuildEvent, { type: 'step.started' }> => e.type === 'step.started');
    const from = started.find((e) => e.name === `[1/2] FROM ${base}@${manifestDigest}`)!;
    expect(from).toBeDefined();
    const layerPull = events.filter((e) => e.type === 'blob.progress' && e.action === 'pull' && e.digest === layerDigest);
    expect(layerPull.length).toBeGreaterThan(0);
    for (const event of layerPull) expect(event).toMatchObject({ stepId: from.stepId });
    const statuses = events.filter((e) => e.type === 'step.status');
    expect(statuses).toContainEqual(expect.objectContaining({ stepId: from.stepId, text: `resolve ${base}@${manifestDigest}` }));
    expect(statuses).toContainEqual(expect.objectContaining({ stepId: from.stepId, text: `extracting ${layerDigest}`, durationMs: expect.any(Number) }));
    const fromDone = events.findIndex((e) => e.type === 'step.done' && e.stepId === from.stepId);
    const runStarted = events.findIndex((e) => e.type === 'step.started' && e.name.startsWith('[2/2] RUN'));
    expect(fromDone).toBeGreaterThan(events.indexOf(layerPull.at(-1)!));
    expect(fromDone).toBeLessThan(runStarted);
    expect(Date.parse(events[fromDone].time)).toBeLessThanOrEqual(Date.parse(events[runStarted].time));

    const again = build('json-root', 'json').stdout.trim().split('\n').map((l) => JSON.parse(l) as BuildEvent);
    expect(again).toContainEqual(expect.objectContaining({ type: 'step.cached', name: from.name }));
    expect(again.filter((e) => e.type === 'step.status' || e.type === 'blob.progress')).toEqual([]);
  });
});

describe('base-image pulls in tty progress', () => {
  it('the final view lists the FROM step with its time, after load metadata and before the RUN', () => {
    // Without the redraws' cursor moves and the colours.
    const lines = build('tty-root', 'tty').stderr.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d*[A-Za-z]`, 'g'), '').split('\n');
    const final = lines.slice(lines.findLastIndex((l) => l.includes('FINISHED')));
    const metadata = final.findIndex((l) => l.startsWith(` => [internal] load metadata for ${base}`));
    // The name is cut before the right-aligned time at the default 100 columns.
    const from = final.findIndex((l) => new RegExp(`^ => \\[1/2\\] FROM ${escape(base)}@sha256:[0-9a-f]+ +\\d+\\.\\ds$`).test(l));
    const run = final.findIndex((l) => l.startsWith(' => [2/2] RUN echo built'));
    expect(metadata).toBeGreaterThan(0);
    expect(from).toBeGreaterThan(metadata);
    expect(run).toBeGreaterThan(from);
  });
});

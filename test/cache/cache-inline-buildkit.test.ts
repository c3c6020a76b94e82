// Inline cache interop with BuildKit itself (dockerd 20.10 with BuildKit, Debian's docker.io, on
// loopback): each builder reads the other's `moby.buildkit.cache.v0` field. Neither can hit the
// other's records (BuildKit keys on LLB digests, tsbuild on its own keys), so what is checked is
// that tsbuild parses BuildKit's real inline cache (and names it as BuildKit's), and that
// BuildKit imports tsbuild's without the import error (dockerd --debug logs) that a corrupt
// field gives.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DOCKER_CLI, startDockerd, type TestDockerd } from '../helpers/dockerd.js';
import { INLINE_CACHE_FIELD } from '../../src/cache/index.js';
import { build } from '../../src/executor/build.js';
import type { BuildEvent } from '../../src/executor/events.js';
import { putJson } from '../../src/oci/image.js';
import { MemoryContentStore } from '../../src/oci/memory-store.js';
import { RegistryClient } from '../../src/registry/client.js';
import type { ImageManifest } from '../../src/spec/types.js';
import { pushBusyboxBase } from '../helpers/registry-base.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';

let registry: TestRegistry;
let dockerd: TestDockerd;
let work: string;
let context: string;
let base: string;

beforeAll(async () => {
  registry = await startRegistry();
  work = await mkdtemp(path.join(os.tmpdir(), 'tsbuild-inline-bk-'));
  context = path.join(work, 'ctx');
  await mkdir(context);
  await writeFile(path.join(context, 'Dockerfile'), 'ARG BASE\nFROM ${BASE}\nWORKDIR /src\nCOPY app.txt .\nRUN cp app.txt built.txt && echo built >> built.txt\n');
  await writeFile(path.join(context, 'app.txt'), 'hello\n');
  base = await pushBusyboxBase(registry, work);
  dockerd = await startDockerd({ flags: ['--debug'] });
}, 180_000);

afterAll(async () => {
  await dockerd?.stop();
  await registry?.stop();
  await rm(work, { recursive: true, force: true }).catch(() => undefined);
});

function docker(...args: string[]): string {
  const run = spawnSync(DOCKER_CLI, ['-H', dockerd.host, ...args], { env: { ...process.env, DOCKER_BUILDKIT: '1' }, encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) throw new Error(`docker ${args.join(' ')} failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return `${run.stdout}\n${run.stderr}`;
}

async function tsbuild(root: string, extra: Parameters<typeof build>[0] extends infer O ? Partial<O> : never) {
  const events: BuildEvent[] = [];
  await build({ context, root, buildArgs: { BASE: base }, sourceDateEpoch: 1_700_000_000, onEvent: (e) => events.push(e), ...extra });
  return events;
}

it('tsbuild reads the inline cache of an image BuildKit built with BUILDKIT_INLINE_CACHE=1', async () => {
  const ref = `${registry.host}/app/buildkit:1`;
  docker('build', '--network', 'host', '--progress', 'plain', '--build-arg', 'BUILDKIT_INLINE_CACHE=1', '--build-arg', `BASE=${base}`, '-t', ref, context);
  docker('push', ref);
  const events = await tsbuild(path.join(work, 'A'), { cacheFrom: [{ type: 'registry', ref }] });
  const warning = events.find((e) => e.type === 'warning' && /cache import from/.test(e.message));
  expect(warning && 'message' in warning ? warning.message : '').toMatch(/its inline cache is BuildKit's \([1-9]\d* records keyed by BuildKit's LLB digests/);
}, 600_000);

it('BuildKit imports an image carrying tsbuild\'s inline cache without an error', async () => {
  const ref = `${registry.host}/app/tsbuild:1`;
  await tsbuild(path.join(work, 'B'), { tags: [ref], outputs: [{ type: 'image', push: true }], cacheTo: [{ location: { type: 'inline' }, mode: 'min' }] });
  const log = docker('build', '--network', 'host', '--progress', 'plain', '--build-arg', `BASE=${base}`, '--cache-from', ref, '-t', 'local/after:1', context);
  expect(log).toContain(`importing cache manifest from ${ref}`);
  expect(log).not.toMatch(/failed to (import|parse|unmarshal)|error.*cache/i);
  // BuildKit reports a cache it cannot import only in dockerd's debug log.
  const daemonLog = () => readFile(dockerd.logFile, 'utf8');
  expect(await daemonLog()).not.toContain(`error while importing cache manifest from cmId=${ref}`);

  // The control: the same image with a field BuildKit cannot parse makes it complain.
  const corrupt = `${registry.host}/app/corrupt:1`;
  await pushWithConfigField(ref, corrupt, Buffer.from('not json').toString('base64'));
  docker('build', '--network', 'host', '--progress', 'plain', '--build-arg', `BASE=${base}`, '--cache-from', corrupt, '-t', 'local/after:2', context);
  expect(await daemonLog()).toContain(`error while importing cache manifest from cmId=${corrupt}`);
}, 600_000);

/** Pushes `from` again as `to` with its config's inline cache field replaced by `value`. */
async function pushWithConfigField(from: string, to: string, value: string): Promise<void> {
  const client = new RegistryClient(registry.host, {});
  const repoOf = (ref: string) => ref.slice(registry.host.length + 1).split(':')[0]!;
  const store = new MemoryContentStore();
  const manifest = JSON.parse((await client.getManifest(repoOf(from), '1')).bytes.toString()) as ImageManifest;
  await client.fetchBlob(repoOf(from), manifest.config, store);
  const config = { ...JSON.parse((await store.read(manifest.config.digest)).toString()), [INLINE_CACHE_FIELD]: value };
  const configDescriptor = await putJson(store, manifest.config.mediaType, config);
  for (const layer of manifest.layers) {
    await client.fetchBlob(repoOf(from), layer, store);
    await client.uploadBlob(repoOf(to), layer, () => store.open(layer.digest));
  }
  await client.uploadBlob(repoOf(to), configDescriptor, () => store.open(configDescriptor.digest));
  const rewritten = await putJson(store, manifest.mediaType!, { ...manifest, config: configDescriptor });
  await client.putManifest(repoOf(to), '1', rewritten, await store.read(rewritten.digest));
}

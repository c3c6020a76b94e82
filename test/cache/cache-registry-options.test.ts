// The registry options of a build (insecure registries, mirrors) reach the registry clients of
// --cache-to / --cache-from too, not only those of base-image pulls and pushes.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/executor/build.js';
import type { BuildEvent } from '../../src/executor/events.js';
import type { BuildOptions } from '../../src/executor/options.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';

/** A non-loopback IPv4 address of this machine: registries there get https unless listed insecure. */
function externalAddress(): string {
  const address = Object.values(networkInterfaces()).flat().find((a) => a?.family === 'IPv4' && !a.internal)?.address;
  if (!address) throw new Error('this test needs a non-loopback IPv4 address');
  return address;
}

let registry: TestRegistry;
let work: string;
let context: string;

beforeAll(async () => {
  delete process.env['TSBUILD_INSECURE_REGISTRIES'];
  registry = await startRegistry('none', externalAddress());
  work = await mkdtemp(path.join(tmpdir(), 'tsbuild-cache-registry-options-'));
  context = path.join(work, 'ctx');
  await mkdir(context);
  await writeFile(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY a.txt /a.txt\nCOPY b.txt /b.txt\n');
  await writeFile(path.join(context, 'a.txt'), 'a\n');
  await writeFile(path.join(context, 'b.txt'), 'b\n');
});

afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

async function buildIn(root: string, extra: Partial<BuildOptions>) {
  const events: BuildEvent[] = [];
  const result = await build({ context, root, sourceDateEpoch: 1_700_000_000, onEvent: (e) => events.push(e), ...extra });
  const cached = events.filter((e) => e.type === 'step.cached').length;
  const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
  return { result, cached, warnings };
}

describe('registry options reach the cache registry clients', () => {
  it('exports to and imports from an insecure registry listed only in the build options', async () => {
    const registryOptions = { insecureRegistries: [registry.host] };
    const location = { type: 'registry' as const, ref: `${registry.host}/cache/insecure:1` };
    const first = await buildIn(path.join(work, 'A'), { cacheTo: [{ location, mode: 'max' }], registry: registryOptions });
    expect(first.cached).toBe(0);
    const second = await buildIn(path.join(work, 'B'), { cacheFrom: [location], registry: registryOptions });
    expect(second.warnings).toEqual([]);
    expect(second.cached).toBe(2);
    expect(second.result.imageId).toBe(first.result.imageId);
  });

  it('imports a docker.io cache through a mirror listed only in the build options', async () => {
    const pushed = { type: 'registry' as const, ref: `${registry.host}/cache/mirrored:1` };
    await buildIn(path.join(work, 'C'), { cacheTo: [{ location: pushed, mode: 'max' }], registry: { insecureRegistries: [registry.host] } });
    const viaMirror = { type: 'registry' as const, ref: 'docker.io/cache/mirrored:1' };
    const imported = await buildIn(path.join(work, 'D'), { cacheFrom: [viaMirror], registry: { registryMirrors: [registry.url] } });
    expect(imported.warnings).toEqual([]);
    expect(imported.cached).toBe(2);
  });
});

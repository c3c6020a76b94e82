// Pulls and pushes in `--progress plain` as BuildKit shows them: under the step they belong to
// (the base image's `[internal] load metadata`, the `exporting to image` step), each blob once,
// never before `#1` nor charged to the next step.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushBusyboxBase } from '../helpers/registry-base.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
let work: string;
let registry: TestRegistry;
let base: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tsbuild-transfers-'));
  registry = await startRegistry();
  base = await pushBusyboxBase(registry, work);
});
afterAll(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('transfers in plain progress', () => {
  it("a base image's pull and the push are numbered lines of their steps, each blob once", () => {
    const context = join(work, 'ctx');
    mkdirSync(context);
    writeFileSync(join(context, 'Dockerfile'), `FROM ${base}\nRUN echo built > /built\n`);
    const env = { ...process.env, TSBUILD_ROOT: join(work, 'root'), CI: '' };
    const result = spawnSync(process.execPath, [cli, 'build', '--progress', 'plain', '--push', '-t', `${registry.host}/demo/app:1`, context], { encoding: 'utf8', env });
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe(`#1 [internal] load metadata for ${base}`);
    const pulls = lines.filter((l) => / pull sha256:/.test(l));
    expect(pulls.length).toBeGreaterThanOrEqual(2); // config and layer (and manifest)
    for (const line of pulls) expect(line).toMatch(/^#1 pull sha256:[0-9a-f]{64} \d+ bytes done$/);
    expect(new Set(pulls).size).toBe(pulls.length);
    expect(lines.indexOf(lines.find((l) => /^#1 DONE \d+\.\ds$/.test(l))!)).toBeLessThan(lines.findIndex((l) => l.startsWith('#2 ')));
    const exporting = lines.find((l) => / exporting to image$/.test(l))!;
    const number = /^#(\d+) /.exec(exporting)![1];
    const pushes = lines.filter((l) => / push sha256:/.test(l));
    expect(pushes.length).toBeGreaterThanOrEqual(2);
    for (const line of pushes) expect(line).toMatch(new RegExp(`^#${number} push sha256:[0-9a-f]{64} \\d+ bytes done$`));
    expect(new Set(pushes).size).toBe(pushes.length);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^#${number} DONE \\d+\\.\\ds$`)));
  });
});

// `tsbuild plan` and `tsbuild check` take `--build-context` as `build` does (the same parsing and
// errors): a named context replaces the stage, FROM or --from of its name in the plan and in the
// plan the checks run on.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { check, plan } from '../../src/api/plan.js';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tsbuild-plan-ctx-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function context(dockerfile: string): string {
  const dir = mkdtempSync(join(work, 'ctx-'));
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

function tsbuild(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, TSBUILD_ROOT: join(work, 'root') },
  });
}

/** An OCI layout whose index names one image `v1` (plan reads only the index). */
function layout(): { dir: string; digest: string } {
  const dir = mkdtempSync(join(work, 'layout-'));
  const digest = `sha256:${'ab'.repeat(32)}`;
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 100, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }],
  }));
  return { dir, digest };
}

describe('plan --build-context', () => {
  it('plans FROM and COPY --from of a named context with its image, directory or OCI layout', () => {
    const named = mkdtempSync(join(work, 'named-'));
    const oci = layout();
    const dir = context('FROM base\nCOPY --from=files a /a\nCOPY --from=pinned / /p\n');
    const result = tsbuild('plan', '--format', 'json', '--build-context', 'base=docker-image://localhost:5000/other:1',
      '--build-context', `files=${named}`, '--build-context', `pinned=oci-layout://${oci.dir}:v1`, dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('localhost:5000/other:1');
    expect(result.stdout).toContain(`pinned@${oci.digest}`);
    expect(result.stdout).not.toMatch(/docker\.io\/library\/(base|files)[:"@]/);
  });

  it('rejects a malformed --build-context as build does (exit 2)', () => {
    for (const command of ['plan', 'check']) {
      const result = tsbuild(command, '--build-context', 'nameonly', context('FROM scratch\n'));
      expect(result.stderr).toMatch(/invalid --build-context "nameonly": expected NAME=VALUE/);
      expect(result.status).toBe(2);
    }
  });
});

describe('check --build-context', () => {
  it('checks the plan with the named contexts (SOURCE_DATE_EPOCH may name one)', () => {
    const dir = context('FROM base\nRUN true\n');
    const without = tsbuild('check', '--build-arg', 'SOURCE_DATE_EPOCH=base', dir);
    expect(without.stderr).toMatch(/invalid SOURCE_DATE_EPOCH: base/);
    const result = tsbuild('check', '--build-arg', 'SOURCE_DATE_EPOCH=base', '--build-context', 'base=docker-image://localhost:5000/other:1', dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('the API', () => {
  it('plan and check take buildContexts as build does', async () => {
    const dir = context('FROM base\nRUN true\n');
    const planned = await plan({ context: dir, buildContexts: { base: { image: 'localhost:5000/other:1' } } });
    expect(Object.values(planned.plan.steps).some((s) => s.op.kind === 'source' && s.op.image.includes('localhost:5000/other:1'))).toBe(true);
    const report = await check({ context: dir, buildArgs: { SOURCE_DATE_EPOCH: 'base' }, buildContexts: { base: { image: 'localhost:5000/other:1' } } });
    expect(report.findings).toEqual([]);
  });
});

// Backend selection and the errors users see when a sandbox cannot be used.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuiltinBackend, OciRuntimeBackend, selectBackend } from '../../src/runtime-shim/index.js';
import { makeFixture, runCaptured, sh, type Fixture } from './fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
});
afterAll(() => fx.cleanup());

describe('selectBackend', () => {
  it('auto picks the builtin helper as root when it is built', () => {
    expect(selectBackend('auto')).toBeInstanceOf(BuiltinBackend);
  });

  it('returns runc by name, crun only when installed', () => {
    expect(selectBackend('runc')).toBeInstanceOf(OciRuntimeBackend);
    expect(selectBackend('runc').name).toBe('runc');
    const oldPath = process.env['PATH'];
    process.env['PATH'] = mkdtempSync(join(tmpdir(), 'tsbuild-empty-path-'));
    try {
      // /usr/sbin etc. are searched too; crun is not installed on this host.
      expect(() => selectBackend('crun')).toThrow(expect.objectContaining({ code: 'SANDBOX', message: expect.stringContaining('crun') }));
    } finally {
      rmSync(process.env['PATH'], { recursive: true, force: true });
      process.env['PATH'] = oldPath;
    }
  });
});

describe.each(['builtin', 'runc'] as const)('%s setup errors', (name) => {
  it('rejects with SANDBOX when a bind source does not exist', async () => {
    const spec = fx.spec(sh('true'), { mounts: [{ type: 'bind', source: '/nonexistent/tsbuild-src', target: '/mnt' }] });
    await expect(selectBackend(name).run(spec)).rejects.toMatchObject({ code: 'SANDBOX' });
  });

  it('rejects an already-aborted signal with CANCELLED before starting', async () => {
    const r = selectBackend(name).run(fx.spec(sh('true')), { signal: AbortSignal.abort() });
    await expect(r).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('builtin helper location', () => {
  it('fails with SANDBOX naming the path when the helper is missing', async () => {
    const backend = new BuiltinBackend('/nonexistent/tsbuild-sandbox');
    await expect(backend.run(fx.spec(sh('true')))).rejects.toMatchObject({
      code: 'SANDBOX', message: expect.stringContaining('/nonexistent/tsbuild-sandbox'),
    });
  });

  it('runs through the helper found next to the sources', async () => {
    expect((await runCaptured(new BuiltinBackend(), fx.spec(sh('echo ok')))).stdout).toBe('ok\n');
  });
});

// `tsbuild store verify [--repair]` (issue 9, "Done when"): a sound store passes; each kind of
// damage is found and listed with exit 1, and --repair removes it so that the next verify passes.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerToken } from '../../src/fs/owner.js';
import { buildImage, newRoot, removeTempDirs, tempDir, writeContext } from '../build/helpers.js';
import { tsbuild } from '../oci/fixtures/run-ts.js';

afterAll(() => removeTempDirs());

function verify(root: string, ...flags: string[]) {
  const result = tsbuild(root, ['store', 'verify', ...flags]);
  return { status: result.status, out: result.stdout, err: result.stderr };
}

describe('tsbuild store verify', () => {
  let root: string;
  beforeAll(async () => {
    root = await newRoot();
    await buildImage(root, writeContext({ a: 'a\n' }), 'FROM busybox\nCOPY a /a\nRUN echo hi > /hi\n', { tags: ['demo:1'] });
  }, 60_000);

  it('passes on a sound store', () => {
    const result = verify(root);
    expect(result.status, result.err).toBe(0);
    expect(result.out).toMatch(/Checked .*: \d+ blobs, 2 cache records, 2 names/);
    expect(result.out).toContain('OK: no problems found');
  });

  it('finds each kind of damage, exits 1 with a list, and --repair removes it', () => {
    const blobs = join(root, 'blobs', 'sha256');
    const records = join(root, 'cache', 'records');
    // A rotten blob: one byte flipped in the biggest blob (a layer).
    const biggest = readdirSync(blobs).sort((a, b) => readFileSync(join(blobs, b)).length - readFileSync(join(blobs, a)).length)[0]!;
    const bytes = readFileSync(join(blobs, biggest));
    bytes[100] ^= 1;
    writeFileSync(join(blobs, biggest), bytes);
    // A record whose layer is gone, a name whose manifest is gone.
    writeFileSync(join(records, `${'e'.repeat(64)}.json`), JSON.stringify({ key: 'x', result: { diffIds: [], layer: { digest: `sha256:${'f'.repeat(64)}` } } }));
    execFileSync(process.execPath, ['-e', `
      const f = ${JSON.stringify(join(root, 'images', 'index.json'))}; const fs = require('fs');
      const index = JSON.parse(fs.readFileSync(f, 'utf8'));
      index.images['docker.io/library/ghost:1'] = { ...Object.values(index.images)[0], descriptor: { ...Object.values(index.images)[0].descriptor, digest: 'sha256:${'d'.repeat(64)}' } };
      fs.writeFileSync(f, JSON.stringify(index));`]);
    // A mount nobody owns, a secrets dir in the scratch space of a (live) build.
    const stray = join(root, 'stray-mount');
    mkdirSync(stray);
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', stray]);
    const secrets = join(root, 'tmp', `run-${ownerToken()}-abcdef`, 'secrets');
    mkdirSync(secrets, { recursive: true });
    writeFileSync(join(secrets, 'token'), 'hunter2');

    const found = verify(root);
    expect(found.status).toBe(1);
    expect(found.err).toMatch(/has 5 problem\(s\): run `tsbuild store verify --repair`/);
    expect(found.out).toContain(`blob sha256:${biggest}: content hashes to sha256:`);
    expect(found.out).toContain(`${'e'.repeat(64)}.json: its layer sha256:${'f'.repeat(64)} is missing`);
    expect(found.out).toContain(`name docker.io/library/ghost:1: missing manifest sha256:${'d'.repeat(64)}`);
    expect(found.out).toContain(`mount ${stray}: left mounted`);
    expect(found.out).toContain(`secrets ${secrets}: secrets on the store's disk`);

    const repaired = verify(root, '--repair');
    expect(repaired.out).toContain('Repaired:');
    expect(existsSync(join(blobs, biggest))).toBe(false);
    expect(existsSync(secrets)).toBe(false);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(stray);
    // Removing the rotten layer broke what needed it: the next run reports (and repairs) those.
    for (let pass = 0; pass < 3 && verify(root, '--repair').status !== 0; pass++);
    const clean = verify(root);
    expect(clean.status, clean.out + clean.err).toBe(0);
  }, 60_000);

  it('finds a sandbox helper of this root whose tsbuild is gone', async () => {
    const root2 = await newRoot();
    const dir = tempDir();
    // A stand-in helper: a shell named tsbuild-sandbox whose "spec" (its script) names the root.
    const fake = join(dir, 'tsbuild-sandbox');
    copyFileSync('/bin/sh', fake);
    execFileSync('chmod', ['+x', fake]);
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, `sleep 30 # lowerdir=${root2}/snapshots/x/fs\n`);
    const other = join(dir, 'other-spec.json');
    writeFileSync(other, 'sleep 30 # lowerdir=/elsewhere/snapshots/x/fs\n');
    // Started from a shell that exits at once: the helpers are left without their tsbuild parent.
    spawn('sh', ['-c', `${fake} ${spec} & ${fake} ${other} &`], { stdio: 'ignore' });
    await sleep(300);
    const found = verify(root2);
    expect(found.status).toBe(1);
    expect(found.out.match(/process \d+: sandbox helper of a tsbuild that is gone/g)).toHaveLength(1); // not the other root's
    expect(verify(root2, '--repair').status).toBe(0);
    expect(verify(root2).status).toBe(0);
    for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      const cmdline = (() => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return ''; } })();
      if (cmdline.includes(other)) process.kill(Number(pid)); // the stand-in this test started
    }
  }, 60_000);
});

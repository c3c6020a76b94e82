// Issue 9 item 18 end to end: build outputs that run out of space midway (a 2 MiB tmpfs as the
// destination, a 4 MiB image) fail cleanly and leave nothing at the destination; what was there
// before stays intact.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputSpec } from '../../src/executor/options.js';
import { buildError, buildImage, removeTempDirs, tempDir, writeContext } from '../build/helpers.js';

let small: string;
let root: string;
let context: string;
const DOCKERFILE = 'FROM scratch\nCOPY big /big\n';

beforeAll(async () => {
  small = tempDir('tsbuild-disk-full-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', small]);
  root = tempDir('tsbuild-disk-full-root-');
  context = writeContext({ big: randomBytes(3 << 20).toString('base64') }); // 4 MiB, 3 MiB gzipped
  await buildImage(root, context, DOCKERFILE); // cached: the outputs below only export
}, 60_000);
afterAll(() => {
  if (small) execFileSync('umount', [small]);
  removeTempDirs();
});

const outputs: Record<string, (dest: string) => OutputSpec> = {
  'type=oci': (dest) => ({ type: 'oci', dest, tar: true }),
  'type=docker': (dest) => ({ type: 'docker', dest }),
  'type=tar': (dest) => ({ type: 'tar', dest }),
  'type=local': (dest) => ({ type: 'local', dest }),
  'type=oci,tar=false': (dest) => ({ type: 'oci', dest, tar: false }),
};

describe('an output that fails midway', () => {
  it.each(Object.keys(outputs))('%s: no partial output, no temp left', async (name) => {
    const dest = join(small, 'out');
    const error = await buildError(root, context, DOCKERFILE, { outputs: [outputs[name](dest)] });
    expect(error.message).toMatch(/ENOSPC|no space/i);
    expect(readdirSync(small)).toEqual([]);
  });

  it.each(['type=oci', 'type=docker', 'type=tar'])('%s: an existing file keeps its bytes', async (name) => {
    const dest = join(small, 'previous.tar');
    writeFileSync(dest, 'previous export\n');
    await buildError(root, context, DOCKERFILE, { outputs: [outputs[name](dest)] });
    expect(readFileSync(dest, 'utf8')).toBe('previous export\n');
    expect(readdirSync(small)).toEqual(['previous.tar']);
    execFileSync('rm', [dest]);
  });

  it('type=local: an existing directory keeps its files', async () => {
    const dest = join(small, 'dir');
    mkdirSync(dest);
    writeFileSync(join(dest, 'keep'), 'mine\n');
    await buildError(root, context, DOCKERFILE, { outputs: [outputs['type=local'](dest)] });
    expect(readdirSync(dest)).toEqual(['keep']);
    expect(readdirSync(small)).toEqual(['dir']);
    execFileSync('rm', ['-r', dest]);
  });
});

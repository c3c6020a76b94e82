// Whiteout entries whose hidden name is `.`, `..` or empty (`.wh..`, `.wh...`, `.wh.`) would act
// on the directory itself or on its parent, one level above the layer root; containerd rejects
// them as invalid whiteout names, and so does tsbuild, in both modes, changing nothing outside.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyLayer } from '../../src/oci/layer-apply.js';
import { buildTar, streamOf } from './layer-tar.js';

let dir: string;
let target: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'layer-whiteout-'));
  target = join(dir, 'fs');
  mkdirSync(join(target, 'sub'), { recursive: true });
  writeFileSync(join(target, 'sub', 'kept'), 'kept\n');
  writeFileSync(join(dir, 'sibling'), 'outside the layer root\n');
  mkdirSync(join(dir, 'other-snapshot'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('invalid whiteout names', () => {
  it.each([
    ['.wh...', 'flat'],
    ['.wh...', 'overlay'],
    ['.wh..', 'flat'],
    ['.wh..', 'overlay'],
    ['.wh.', 'flat'],
    ['sub/.wh...', 'flat'],
    ['sub/.wh..', 'overlay'],
  ] as const)('%s in %s mode fails and changes nothing outside the target', async (name, mode) => {
    const bytes = await buildTar([{ name, content: '' }]);
    await expect(applyLayer(target, streamOf(bytes), { mode })).rejects.toThrow(/invalid whiteout name/);
    expect(readFileSync(join(dir, 'sibling'), 'utf8')).toBe('outside the layer root\n');
    expect(lstatSync(join(dir, 'other-snapshot')).isDirectory()).toBe(true);
    expect(lstatSync(target).isDirectory()).toBe(true);
    expect(readFileSync(join(target, 'sub', 'kept'), 'utf8')).toBe('kept\n');
  });

  it('still applies ordinary whiteouts', async () => {
    const bytes = await buildTar([{ name: 'sub/.wh.kept', content: '' }]);
    await applyLayer(target, streamOf(bytes), { mode: 'flat' });
    expect(existsSync(join(target, 'sub', 'kept'))).toBe(false);
  });
});

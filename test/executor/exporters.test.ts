// The exporter table is the one list of output types: `--output type=` parsing, its errors, the
// exporter a spec runs with, and `tsbuild save --format` all come from it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOutputFlag } from '../../src/cli/build-flags.js';
import { exporterFor, exporters, outputTypes, saveFormats } from '../../src/executor/exporters/index.js';
import { tsbuildInProcess } from '../oci/fixtures/run-ts.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tsbuild-exporters-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('--output types come from the exporter table', () => {
  it.each(Object.keys(exporters))('type=%s parses to a spec its table entry exports', (type) => {
    // `dest=` where the exporter takes it (an image output refuses it as an unknown attribute).
    const attributes = exporters[type as keyof typeof exporters].attributes.includes('dest') ? ',dest=out' : ',name=demo/app';
    const spec = parseOutputFlag(`type=${type}${attributes}`);
    const exporter = exporterFor(spec);
    expect(Object.values(exporters)).toContain(exporter);
    // An alias (registry) parses to its target's spec; every other type to its own.
    if (spec.type !== type) expect(exporters[type as keyof typeof exporters].exportBuild).toBe(exporter.exportBuild);
  });

  it('names every table entry when the type is unknown or missing', () => {
    const list = `(${outputTypes().join(', ')})`;
    expect(outputTypes()).toEqual(expect.arrayContaining(['image', 'registry', 'oci', 'docker', 'local', 'tar']));
    expect(() => parseOutputFlag('type=bogus,dest=x')).toThrow(`output: unknown type "bogus" ${list}`);
    expect(() => parseOutputFlag('dest=x')).toThrow(`output "dest=x": missing type= ${list}`);
  });

  it('offers to `save` only exporters that can export stored images', () => {
    const formats = saveFormats();
    expect([...formats.keys()]).toEqual(['oci', 'oci-dir', 'docker']);
    for (const { exporter } of formats.values()) expect(exporter.exportStored).toBeTypeOf('function');
  });
});

describe('tsbuild save --format', () => {
  it('refuses an unknown format, listing the table formats', async () => {
    const result = await tsbuildInProcess(root, ['save', '--format', 'zip', 'busybox']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown --format "zip": use oci, oci-dir or docker');
  });

  it('needs -o for a directory format', async () => {
    const result = await tsbuildInProcess(root, ['save', '--format', 'oci-dir', 'busybox']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--format oci-dir needs -o DIRECTORY');
  });
});

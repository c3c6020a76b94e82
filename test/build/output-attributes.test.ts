// `--output` attributes: what an exporter does not take is refused by name (BuildKit's attributes
// tsbuild lacks, `annotation.*`, unknown keys), never ignored; `name=` names the image in oci and
// docker archives instead of the build's tags, as BuildKit's exporters do.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOutputFlag } from '../../src/cli/build-flags.js';
import { buildImage, newRoot, removeTempDirs, tempDir, writeContext } from './helpers.js';

let root: string;
let context: string;
beforeAll(async () => {
  root = await newRoot();
  context = writeContext({});
});
afterAll(() => removeTempDirs());

function refusal(flag: string): string {
  try {
    parseOutputFlag(flag);
  } catch (error) {
    expect((error as { code?: string }).code).toBe('USAGE');
    return (error as Error).message;
  }
  throw new Error(`${flag} was accepted`);
}

describe('--output attributes', () => {
  it.each([
    ['type=oci,dest=o.tar,rewrite-timestamp=true', /type=oci: attribute "rewrite-timestamp" is not supported yet/],
    ['type=image,name=a,push-by-digest=true', /type=image: attribute "push-by-digest" is not supported yet/],
    ['type=registry,name=a,oci-artifact=true', /type=registry: attribute "oci-artifact" is not supported yet/],
    ['type=local,dest=out,platform-split=false', /type=local: attribute "platform-split" is not supported yet/],
    ['type=docker,dest=d.tar,annotation.org.example=x', /"annotation.org.example" is not supported in an output; set annotations of the build instead/],
    ['type=oci,dest=o.tar,oci-mediatypes=false', /oci-mediatypes=false is not supported \(tsbuild writes OCI media types\)/],
    ['type=tar,dest=t.tar,colour=blue', /type=tar: unknown attribute "colour" \(dest\)/],
  ])('refuses %s, naming the attribute', (flag, message) => {
    expect(refusal(flag)).toMatch(message);
  });

  it('accepts oci-mediatypes=true, which is what tsbuild writes', () => {
    expect(parseOutputFlag('type=oci,dest=o.tar,oci-mediatypes=true')).toMatchObject({ type: 'oci', dest: 'o.tar' });
  });

  it('name= names the image in a docker and an OCI archive instead of the tags', async () => {
    const dir = tempDir('tsbuild-output-names-');
    const docker = join(dir, 'd.tar');
    const oci = join(dir, 'o.tar');
    await buildImage(root, context, 'FROM busybox\nLABEL named=yes\n', {
      tags: ['demo/tagged:1'],
      outputs: [parseOutputFlag(`type=docker,dest=${docker},name=demo/named:2`), parseOutputFlag(`type=oci,dest=${oci},name=demo/named:3`)],
    });
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', docker, 'manifest.json'], { encoding: 'utf8' })) as { RepoTags: string[] }[];
    expect(manifest[0]!.RepoTags).toEqual(['demo/named:2']);
    const index = JSON.parse(execFileSync('tar', ['-xOf', oci, 'index.json'], { encoding: 'utf8' })) as { manifests: { annotations?: Record<string, string> }[] };
    const names = index.manifests.map((m) => m.annotations?.['io.containerd.image.name'] ?? m.annotations?.['org.opencontainers.image.ref.name']);
    expect(names.join(' ')).toContain('named');
    expect(names.join(' ')).not.toContain('tagged');
  });
});

// Go binaries in the SBOM: a real binary built here by Debian's Go toolchain (golang-go) with a
// dependency served from a file:// module proxy, compared with what `go version -m` reads from
// it; the pre-1.18 pointer layout (checked with `go version -m` too); hostile binaries.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanTree } from '../../src/executor/attestations/sbom.js';
import { DEP_PATH, DEP_VERSION, buildGoBinary, goVersionM, oldFormatGoBinary } from '../helpers/go-binary.js';
import { buildImage, newRoot, removeTempDirs, tempDir, writeContext } from './helpers.js';

afterAll(removeTempDirs);

interface SpdxPackage {
  name: string;
  versionInfo: string;
  checksums?: { algorithm: string; checksumValue: string }[];
  sourceInfo: string;
  externalRefs: { referenceType: string; referenceLocator: string }[];
}

let binary: string;
let goView: ReturnType<typeof goVersionM>;
beforeAll(() => {
  binary = buildGoBinary(tempDir('tsbuild-sbom-go-'));
  goView = goVersionM(binary);
}, 600_000);

const h1Hex = (h1: string) => Buffer.from(h1.slice(3), 'base64').toString('hex');
const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

/** The module text `go version -m` printed, as the binary carries it (lines after the first, one tab removed). */
function modinfoText(file: string): string {
  const lines = execFileSync('go', ['version', '-m', file], { encoding: 'utf8' }).split('\n').slice(1).filter((l) => l !== '');
  return `${lines.map((l) => l.slice(1)).join('\n')}\n`;
}

function treeWith(files: Record<string, Buffer>): string {
  const tree = tempDir('tsbuild-sbom-go-tree-');
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(join(tree, name, '..'), { recursive: true });
    writeFileSync(join(tree, name), bytes);
    chmodSync(join(tree, name), 0o755);
  }
  return tree;
}

describe('Go binaries in the SBOM', () => {
  it('lists a real Go binary\'s main module, its dependency with version and go.sum hash, and stdlib, as go version -m reads them', async () => {
    const [main, dep] = goView.modules;
    expect(main).toEqual(['mod', 'example.com/app', '(devel)']);
    expect(dep.slice(0, 3)).toEqual(['dep', DEP_PATH, DEP_VERSION]);
    expect(dep[3]).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/);
    const context = writeContext({ app: { content: readFileSync(binary), mode: 0o755 } });
    const dest = join(tempDir('tsbuild-sbom-go-out-'), 'out');
    await buildImage(await newRoot(), context, 'FROM busybox\nCOPY app /usr/local/bin/app\n', {
      attestations: [{ type: 'sbom' }], outputs: [{ type: 'local', dest }],
    });
    const statement = JSON.parse(readFileSync(join(dest, 'sbom.spdx.json'), 'utf8')) as { predicate: { packages: SpdxPackage[] } };
    const golang = statement.predicate.packages.filter((p) => p.externalRefs[0].referenceLocator.startsWith('pkg:golang/'));
    expect(golang.map((p) => [p.name, p.versionInfo, p.externalRefs[0].referenceLocator, p.checksums, p.sourceInfo])).toEqual([
      ['example.com/app', '(devel)', 'pkg:golang/example.com/app@%28devel%29', undefined, 'acquired package info from /usr/local/bin/app'],
      [DEP_PATH, DEP_VERSION, `pkg:golang/${DEP_PATH}@${DEP_VERSION}`, [{ algorithm: 'SHA256', checksumValue: h1Hex(dep[3]) }], 'acquired package info from /usr/local/bin/app'],
      ['stdlib', goView.goVersion, `pkg:golang/stdlib@${goView.goVersion.replace(/^go/, '')}`, undefined, 'acquired package info from /usr/local/bin/app'],
    ]);
  }, 600_000);

  it('reads the pre-1.18 layout (pointers to string headers), little and big endian, as go version -m does', async () => {
    const modinfo = modinfoText(binary);
    const tree = treeWith({ 'bin/old-le': oldFormatGoBinary(goView.goVersion, modinfo), 'bin/old-be': oldFormatGoBinary(goView.goVersion, modinfo, true) });
    for (const name of ['old-le', 'old-be']) expect(goVersionM(join(tree, 'bin', name))).toEqual(goView);
    const found = await scanTree(tree, () => {});
    expect(found.map((p) => [p.name, p.version, p.source, p.h1Digest])).toEqual([
      ['example.com/app', '(devel)', '/bin/old-be', undefined],
      [DEP_PATH, DEP_VERSION, '/bin/old-be', goView.modules[1][3]],
      ['stdlib', goView.goVersion, '/bin/old-be', undefined],
    ]);
  });

  it('hostile binaries (truncated, huge lengths, pointers past the file, endless varints, a link out of the root) give no packages, and huge lengths a warning', async () => {
    const real = readFileSync(binary);
    let at = real.indexOf(MAGIC);
    while (at % 16 !== 0) at = real.indexOf(MAGIC, at + 1);
    const patched = (offset: number, bytes: number[]) => {
      const copy = Buffer.from(real);
      Buffer.from(bytes).copy(copy, offset);
      return copy;
    };
    const old = oldFormatGoBinary(goView.goVersion, modinfoText(binary));
    const oldPatched = (offset: number, value: bigint) => {
      const copy = Buffer.from(old);
      copy.writeBigUInt64LE(value, offset);
      return copy;
    };
    const manyHeaders = Buffer.from(old);
    manyHeaders.writeUInt16LE(0xffff, 56);
    const farHeaders = Buffer.from(old);
    farHeaders.writeBigUInt64LE(1n << 62n, 32);
    const tree = treeWith({
      'truncated': real.subarray(0, at + 20),
      'inline-huge': patched(at + 32, [0x80, 0x80, 0x80, 0x80, 0x80, 0x20]),
      'inline-endless': patched(at + 32, Array(10).fill(0xff)),
      'old-huge': oldPatched(0x80 + 32 + 24, 1n << 62n),
      'old-past-end': oldPatched(0x80 + 32 + 24, BigInt(old.length)),
      'old-outside': oldPatched(0x80 + 32 + 16, 0x7000_0000n),
      'old-pointer-outside': oldPatched(0x80 + 16, 1n << 63n),
      'many-headers': manyHeaders,
      'far-headers': farHeaders,
    });
    symlinkSync(binary, join(tree, 'outside-link'));
    const warnings: string[] = [];
    expect(await scanTree(tree, (message) => warnings.push(message))).toEqual([]);
    expect(warnings.sort()).toEqual([
      'SBOM: /inline-huge holds a Go build info string of 1099511627776 bytes, over the 1048576-byte limit; not read',
      `SBOM: /old-huge holds a Go build info string of ${1n << 62n} bytes, over the 1048576-byte limit; not read`,
    ]);
  });
});

// SBOM attestations: an SPDX 2.3 document of what the final image contains, compared with
// dpkg-query reading the same status file (this machine's real one, copied into a busybox image);
// apk, npm and Python databases; BUILDKIT_SBOM_SCAN_CONTEXT/STAGE; bounded reads of hostile files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanTree } from '../../src/executor/attestations/sbom.js';
import { buildImage, newRoot, readBlob, removeTempDirs, tempDir, writeContext } from './helpers.js';

afterAll(removeTempDirs);

interface SpdxPackage {
  name: string;
  versionInfo: string;
  externalRefs: { referenceType: string; referenceLocator: string }[];
}
interface Spdx {
  spdxVersion: string;
  packages: SpdxPackage[];
}

const statementOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { predicateType: string; predicate: Spdx };
const versions = (doc: Spdx) => doc.packages.map((p) => `${p.name} ${p.versionInfo}`).sort();

const APK_INSTALLED = 'C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\n\nC:Q1def=\nP:busybox\nV:1.36.1-r15\nA:x86_64\nL:GPL-2.0-only\n\n';
const PY_METADATA = 'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nSummary: HTTP\n\nLong description\nName: not-a-header\n';

describe('SBOM attestations', () => {
  it('lists the image\'s dpkg packages with the versions dpkg-query reads from its status file, and its apk, npm and Python packages', async () => {
    const context = writeContext({
      status: readFileSync('/var/lib/dpkg/status', 'utf8'),
      installed: APK_INSTALLED,
      'app/package-lock.json': JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'app', version: '1.0.0' }, 'node_modules/left-pad': { version: '1.3.0' } } }),
      'app/node_modules/@scope/util/package.json': JSON.stringify({ name: '@scope/util', version: '2.0.1' }),
      'site/requests-2.31.0.dist-info/METADATA': PY_METADATA,
    });
    const dockerfile = [
      'FROM busybox',
      'COPY status /var/lib/dpkg/status',
      'COPY installed /lib/apk/db/installed',
      'COPY app /app',
      'COPY site /usr/lib/python3/site-packages',
    ].join('\n');
    const dest = join(tempDir('tsbuild-sbom-local-'), 'out');
    const root = await newRoot();
    const { result } = await buildImage(root, context, dockerfile, {
      tags: ['demo/sbom:1'], attestations: [{ type: 'sbom' }], outputs: [{ type: 'image', push: false }, { type: 'local', dest }],
    });
    const statement = statementOf(join(dest, 'sbom.spdx.json'));
    expect(statement.predicateType).toBe('https://spdx.dev/Document');
    expect(statement.predicate.spdxVersion).toBe('SPDX-2.3');
    const debs = statement.predicate.packages.filter((p) => p.externalRefs[0].referenceLocator.startsWith('pkg:deb/'));
    const dpkg = execFileSync('dpkg-query', [`--admindir=${join(dest, 'var/lib/dpkg')}`, '-W', '-f', '${db:Status-Abbrev}\t${Package} ${Version}\n'], { encoding: 'utf8' })
      .split('\n').filter((line) => line.startsWith('ii')).map((line) => line.split('\t')[1]).sort();
    expect(dpkg.length).toBeGreaterThan(50);
    expect(debs.map((p) => `${p.name} ${p.versionInfo}`).sort()).toEqual(dpkg);
    const others = statement.predicate.packages.map((p) => p.externalRefs[0].referenceLocator).filter((purl) => !purl.startsWith('pkg:deb/'));
    expect(others.sort()).toEqual([
      'pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64', 'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64',
      'pkg:npm/%40scope/util@2.0.1', 'pkg:npm/left-pad@1.3.0', 'pkg:pypi/requests@2.31.0',
    ]);
    // The same document is attached to the image in the store, as an attestation manifest layer.
    const index = JSON.parse(readBlob(root, result.digest).toString('utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    const attestation = JSON.parse(readBlob(root, index.manifests[1].digest).toString('utf8')) as { layers: { digest: string; annotations: Record<string, string> }[] };
    expect(attestation.layers.map((l) => l.annotations['in-toto.io/predicate-type'])).toEqual(['https://spdx.dev/Document']);
    const attached = JSON.parse(readBlob(root, attestation.layers[0].digest).toString('utf8')) as { predicate: Spdx };
    expect(versions(attached.predicate)).toEqual(versions(statement.predicate));
  }, 180_000);

  it('BUILDKIT_SBOM_SCAN_CONTEXT and a stage\'s ARG BUILDKIT_SBOM_SCAN_STAGE=true add documents of the context and that stage', async () => {
    const context = writeContext({ 'node_modules/ctx-only/package.json': JSON.stringify({ name: 'ctx-only', version: '0.0.1' }), installed: APK_INSTALLED });
    const dockerfile = [
      'FROM busybox AS builder',
      'ARG BUILDKIT_SBOM_SCAN_STAGE=true',
      'COPY installed /lib/apk/db/installed',
      'RUN echo built > /artifact',
      'FROM busybox',
      'COPY --from=builder /artifact /artifact',
    ].join('\n');
    const dest = join(tempDir('tsbuild-sbom-local-'), 'out');
    await buildImage(await newRoot(), context, dockerfile, {
      attestations: [{ type: 'sbom' }], buildArgs: { BUILDKIT_SBOM_SCAN_CONTEXT: 'true' }, outputs: [{ type: 'local', dest }],
    });
    expect(versions(statementOf(join(dest, 'sbom.spdx.json')).predicate)).toEqual([]);
    expect(versions(statementOf(join(dest, 'sbom-context.spdx.json')).predicate)).toEqual(['ctx-only 0.0.1']);
    expect(versions(statementOf(join(dest, 'sbom-builder.spdx.json')).predicate)).toEqual(['busybox 1.36.1-r15', 'musl 1.2.4-r2']);
  }, 180_000);

  it('the context document leaves out what .dockerignore excludes, keeping its ! exceptions', async () => {
    const manifest = (name: string) => JSON.stringify({ name, version: '1.0.0' });
    const context = writeContext({
      '.dockerignore': 'node_modules/secret-*\nvendor\n!vendor/node_modules/kept\nsite\n',
      'node_modules/seen/package.json': manifest('seen'),
      'node_modules/secret-tool/package.json': manifest('secret-tool'),
      'vendor/node_modules/dropped/package.json': manifest('dropped'),
      'vendor/node_modules/kept/package.json': manifest('kept'),
      'vendor/package-lock.json': JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/locked': { version: '9.9.9' } } }),
      'site/requests-2.31.0.dist-info/METADATA': PY_METADATA,
      'var/lib/dpkg/status': 'Package: seen-deb\nStatus: install ok installed\nVersion: 1\n',
    });
    const dest = join(tempDir('tsbuild-sbom-local-'), 'out');
    await buildImage(await newRoot(), context, 'FROM busybox\n', {
      attestations: [{ type: 'sbom' }], buildArgs: { BUILDKIT_SBOM_SCAN_CONTEXT: 'true' }, outputs: [{ type: 'local', dest }],
    });
    expect(versions(statementOf(join(dest, 'sbom-context.spdx.json')).predicate)).toEqual(['kept 1.0.0', 'seen 1.0.0', 'seen-deb 1']);
  }, 180_000);

  it('reads a status file with a 24 MiB line and skips an oversized package.json with a warning', async () => {
    const tree = tempDir('tsbuild-sbom-tree-');
    mkdirSync(join(tree, 'var/lib/dpkg'), { recursive: true });
    const huge = `Description: x\n ${'y'.repeat(24 * 1024 * 1024)}\n`;
    writeFileSync(join(tree, 'var/lib/dpkg/status'), [
      'Package: first\nStatus: install ok installed\nVersion: 1.0\n', `Package: big\nStatus: install ok installed\nVersion: 2.0\n${huge}`,
      'Package: removed\nStatus: deinstall ok config-files\nVersion: 3.0\n', 'Package: last\nStatus: install ok installed\nVersion: 4.0\n',
    ].join('\n'));
    mkdirSync(join(tree, 'node_modules/fat'), { recursive: true });
    writeFileSync(join(tree, 'node_modules/fat/package.json'), JSON.stringify({ name: 'fat', version: '1.0.0', blob: 'z'.repeat(5 * 1024 * 1024) }));
    const warnings: string[] = [];
    const found = await scanTree(tree, (message) => warnings.push(message));
    expect(found.map((p) => `${p.name} ${p.version}`)).toEqual(['first 1.0', 'big 2.0', 'last 4.0']);
    expect(warnings).toEqual([expect.stringMatching(/\/node_modules\/fat\/package\.json is \d+ bytes, over the 4194304-byte limit/)]);
  });

  it('a symlinked status file is read inside the image, never from the host', async () => {
    const tree = tempDir('tsbuild-sbom-tree-');
    mkdirSync(join(tree, 'var/lib/dpkg'), { recursive: true });
    mkdirSync(join(tree, 'elsewhere'), { recursive: true });
    writeFileSync(join(tree, 'elsewhere/status'), 'Package: inside\nStatus: install ok installed\nVersion: 1\n');
    execFileSync('ln', ['-s', '/elsewhere/status', join(tree, 'var/lib/dpkg/status')]);
    expect((await scanTree(tree, () => {})).map((p) => p.name)).toEqual(['inside']);
  });
});

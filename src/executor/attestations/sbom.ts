// `--attest type=sbom`: an SPDX 2.3 document per platform of the packages the final image
// contains (sbom-scanners.ts reads their databases), as BuildKit's SBOM scanner names and
// attaches it (`sbom.spdx.json`). `BUILDKIT_SBOM_SCAN_CONTEXT=true` adds a document of the build
// context (`sbom-context.spdx.json`) and `BUILDKIT_SBOM_SCAN_STAGE=true` one per stage that sets
// it (`sbom-<stage>.spdx.json`), set as build args or ARG defaults in the Dockerfile.
import { createHash } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { IgnoreMatcher, ParentMatches } from '../../context/index.js';
import { resolveInRoot } from '../../fs/index.js';
import type { Dockerfile } from '../../parser/index.js';
import type { BuildPlan, Step, StepId } from '../../planner/index.js';
import { PredicateType } from '../../spec/index.js';
import type { Attestation } from '../../oci/index.js';
import type { BuildContext } from '../context.js';
import type { BuiltPlatformImage } from '../exporters/exporter.js';
import { ensureSnapshots } from '../layer-step.js';
import type { BuildState } from '../state.js';
import {
  apkPackages, dpkgPackages, npmLockPackages, npmManifestPackage, pythonMetadataPackage, type FoundPackage,
} from './sbom-scanners.js';
import { GoBuildInfoTooLarge, MAX_GO_STRING, goModulePackages, h1Hex, readGoBuildInfo } from './sbom-go.js';

/** Directories never walked: kernel file systems a rootfs may hold mount points for. */
const SKIPPED = new Set(['proc', 'sys', 'dev']);
/** Entries walked at most per tree: a hostile image cannot make the scan endless. */
const MAX_ENTRIES = 2_000_000;

/** What the Dockerfile asks to scan besides the final image. */
export interface SbomScan {
  context: boolean;
  /** Stage names (or indexes) and the plan step of each stage's result. */
  stages: { name: string; step: StepId }[];
}

export async function sbomAttestations(
  ctx: BuildContext, state: BuildState, image: BuiltPlatformImage, scan: SbomScan | undefined, created: string,
  withRootfs: (action: (rootfs: string) => unknown) => Promise<void>,
): Promise<Attestation[]> {
  const warn = (message: string) => ctx.emit({ type: 'warning', message });
  let core: FoundPackage[] = [];
  await withRootfs(async (rootfs) => {
    core = await scanTree(rootfs, warn);
  });
  const name = ctx.options.tags?.[0] ?? 'image';
  const documents: Attestation[] = [{ predicateType: PredicateType.Spdx, path: 'sbom.spdx.json', predicate: spdxDocument(name, core, created) }];
  if (scan?.context) {
    // What the build may read of its context: the .dockerignore (or <Dockerfile>.dockerignore) applies, as to COPY.
    const { loadIgnoreRules } = await import('../../context/dockerignore.js');
    const ignore = await loadIgnoreRules(ctx.contextDir, ctx.dockerfilePath);
    documents.push({ predicateType: PredicateType.Spdx, path: 'sbom-context.spdx.json', predicate: spdxDocument('context', await scanTree(ctx.contextDir, warn, ignore), created) });
  }
  for (const stage of scan?.stages ?? []) {
    const result = state.results.get(stage.step);
    if (!result) {
      warn(`SBOM: stage ${stage.name} was not built for ${image.platform}; it is not scanned`);
      continue;
    }
    const view = ctx.snapshots.prepareRootfs(await ensureSnapshots(ctx, result.layers), { writable: false });
    try {
      const found = await scanTree(view.rootfs, warn);
      documents.push({ predicateType: PredicateType.Spdx, path: `sbom-${stage.name}.spdx.json`, predicate: spdxDocument(stage.name, found, created) });
    } finally {
      view.cleanup();
    }
  }
  return documents;
}

/** The step of each stage's result: the step of the stage no later step of it builds on. */
export function stageResults(plan: BuildPlan): Map<number, StepId> {
  const byStage = new Map<number, Step[]>();
  for (const step of Object.values(plan.steps)) byStage.set(step.stage.index, [...(byStage.get(step.stage.index) ?? []), step]);
  const results = new Map<number, StepId>();
  for (const [index, steps] of byStage) {
    const parents = new Set(steps.map((s) => s.inputs[0]));
    const ends = steps.filter((s) => !parents.has(s.id));
    if (ends.length > 0) results.set(index, ends[ends.length - 1].id);
  }
  return results;
}

/** The stages and context `BUILDKIT_SBOM_SCAN_*` ask for (build args win over Dockerfile defaults). */
export function sbomScanOf(dockerfile: Dockerfile, buildArgs: Record<string, string>, stageResults: Map<number, StepId>): SbomScan {
  const truthy = (value: string | undefined) => value !== undefined && value !== '' && value !== 'false' && value !== '0';
  const globalDefault = (name: string) => dockerfile.globalArgs.flatMap((i) => i.args).find((a) => a.name === name)?.default;
  const context = truthy(buildArgs.BUILDKIT_SBOM_SCAN_CONTEXT ?? globalDefault('BUILDKIT_SBOM_SCAN_CONTEXT'));
  const allStages = truthy(buildArgs.BUILDKIT_SBOM_SCAN_STAGE);
  const stages: SbomScan['stages'] = [];
  for (const stage of dockerfile.stages) {
    const step = stageResults.get(stage.index);
    const own = stage.instructions.flatMap((i) => (i.kind === 'ARG' ? i.args : [])).find((a) => a.name === 'BUILDKIT_SBOM_SCAN_STAGE');
    const wanted = own ? truthy(buildArgs.BUILDKIT_SBOM_SCAN_STAGE ?? own.default) : allStages;
    if (wanted && step) stages.push({ name: stage.from.stageName ?? String(stage.index), step });
  }
  return { context, stages };
}

/**
 * The packages of a tree: its dpkg and apk databases, and every npm and Python package file in it.
 * `ignore` (a build context's .dockerignore) leaves out what it excludes.
 */
export async function scanTree(root: string, warn: (message: string) => void, ignore?: IgnoreMatcher): Promise<FoundPackage[]> {
  const found: FoundPackage[] = [];
  const inRoot = async (file: string) => {
    if (ignore?.matches(file)) return undefined;
    const resolved = resolveInRoot(root, file, true);
    return (await lstat(resolved).catch(() => undefined))?.isFile() ? resolved : undefined;
  };
  const dpkg = await inRoot('var/lib/dpkg/status');
  if (dpkg) found.push(...(await dpkgPackages(dpkg, '/var/lib/dpkg/status')));
  const apk = await inRoot('lib/apk/db/installed');
  if (apk) found.push(...(await apkPackages(apk, '/lib/apk/db/installed')));
  let entries = 0;
  const walk = async (relative: string, parentMatches?: ParentMatches): Promise<void> => {
    const names = (await readdir(path.join(root, relative)).catch(() => [] as string[])).sort();
    for (const name of names) {
      if (++entries > MAX_ENTRIES) return;
      if (relative === '' && SKIPPED.has(name)) continue;
      const rel = relative ? `${relative}/${name}` : name;
      const full = path.join(root, rel);
      const stat = await lstat(full).catch(() => undefined);
      if (!stat) continue;
      const { ignored, matched } = ignore?.matchesUnder(rel, parentMatches) ?? { ignored: false, matched: undefined };
      if (stat.isDirectory()) {
        if (ignored && !ignore!.mayContainIncluded(rel)) continue;
        if (name.endsWith('.dist-info') && !ignore?.matches(`${rel}/METADATA`)) {
          const metadata = path.join(full, 'METADATA');
          if ((await lstat(metadata).catch(() => undefined))?.isFile()) found.push(...(await pythonMetadataPackage(metadata, `/${rel}/METADATA`)));
        }
        await walk(rel, matched);
      } else if (ignored) {
        continue;
      } else if (stat.isFile()) {
        if ((stat.mode & 0o111) !== 0) found.push(...(await goBinaryPackages(full, `/${rel}`, warn)));
        if (name === 'package-lock.json' && !relative.split('/').includes('node_modules')) found.push(...(await npmLockPackages(full, `/${rel}`, warn)));
        else if (name === 'package.json' && isNodeModule(relative)) found.push(...(await npmManifestPackage(full, `/${rel}`, warn)));
      }
    }
  };
  await walk('');
  if (entries > MAX_ENTRIES) warn(`SBOM: more than ${MAX_ENTRIES} files; the scan stopped there`);
  return dedupe(found);
}

/** The Go modules of an executable that is a Go binary; none for any other file. */
async function goBinaryPackages(file: string, source: string, warn: (message: string) => void): Promise<FoundPackage[]> {
  try {
    const info = await readGoBuildInfo(file);
    return info ? goModulePackages(info, source) : [];
  } catch (error) {
    if (!(error instanceof GoBuildInfoTooLarge)) throw error;
    warn(`SBOM: ${source} holds ${error.message}, over the ${MAX_GO_STRING}-byte limit; not read`);
    return [];
  }
}

/** `.../node_modules/NAME` or `.../node_modules/@SCOPE/NAME`: a directory npm installed a package in. */
function isNodeModule(dir: string): boolean {
  const parts = dir.split('/');
  return parts.at(-2) === 'node_modules' || (parts.at(-3) === 'node_modules' && parts.at(-2)!.startsWith('@'));
}

/** One package per purl (a lock file and node_modules list the same ones). */
function dedupe(found: FoundPackage[]): FoundPackage[] {
  const byPurl = new Map<string, FoundPackage>();
  for (const p of found) if (!byPurl.has(purlOf(p))) byPurl.set(purlOf(p), p);
  return [...byPurl.values()];
}

function purlOf(p: FoundPackage): string {
  if (p.type === 'golang') {
    // packageurl-go as syft calls it: the module path's last element is the name, the rest the namespace.
    const escape = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const version = p.name === 'stdlib' ? p.version.replace(/^go/, '') : p.version; // syft: pkg:golang/stdlib@1.22.1
    return `pkg:golang/${p.name.split('/').map(escape).join('/')}@${escape(version)}`;
  }
  const scoped = p.type === 'npm' && p.name.startsWith('@') ? `${encodeURIComponent(p.name.slice(0, p.name.indexOf('/')))}/${encodeURIComponent(p.name.slice(p.name.indexOf('/') + 1))}` : encodeURIComponent(p.name);
  const namespace = p.type === 'deb' ? 'debian/' : p.type === 'apk' ? 'alpine/' : '';
  const name = p.type === 'pypi' ? scoped.toLowerCase().replace(/[-_.]+/g, '-') : scoped;
  return `pkg:${p.type}/${namespace}${name}@${encodeURIComponent(p.version)}${p.arch ? `?arch=${encodeURIComponent(p.arch)}` : ''}`;
}

/** An SPDX 2.3 JSON document listing `found`; its namespace is derived from its content (reproducible). */
export function spdxDocument(name: string, found: FoundPackage[], created: string): Record<string, unknown> {
  const packages = found.map((p) => {
    const purl = purlOf(p);
    return {
      name: p.name,
      SPDXID: `SPDXRef-Package-${p.type}-${spdxIdPart(p.name)}-${createHash('sha256').update(purl).digest('hex').slice(0, 16)}`,
      versionInfo: p.version,
      supplier: p.supplier ? `Person: ${p.supplier}` : 'NOASSERTION',
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      ...(p.license ? { licenseComments: `declared: ${p.license}` } : {}),
      ...(p.h1Digest && h1Hex(p.h1Digest) ? { checksums: [{ algorithm: 'SHA256', checksumValue: h1Hex(p.h1Digest) }] } : {}),
      sourceInfo: `acquired package info from ${p.source}`,
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }],
    };
  });
  const digest = createHash('sha256').update(JSON.stringify(packages)).digest('hex');
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://tsbuild.invalid/spdx/${spdxIdPart(name)}-${digest}`,
    creationInfo: { created, creators: ['Tool: tsbuild'] },
    packages,
    relationships: packages.map((p) => ({ spdxElementId: 'SPDXRef-DOCUMENT', relatedSpdxElement: p.SPDXID, relationshipType: 'DESCRIBES' })),
  };
}

function spdxIdPart(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]/g, '-');
}

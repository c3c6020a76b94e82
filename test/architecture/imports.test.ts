// The dependency direction of DESIGN.md, checked on every source file: `spec` (the pure rules:
// digests, references, platforms, documents, canonical JSON...) imports nothing and every module
// may import it; `parser` nothing else of the project; `planner` only the parser; `cache` and
// `registry` only `oci`, `cache` also `registry` (its registry backend); only the API may reach
// everything, and `cli` reaches only the API.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src', import.meta.url));

/** Which top-level modules each module may import (errors.ts is shared by all). */
const allowed: Record<string, string[]> = {
  spec: [],
  fs: ['spec'],
  parser: ['spec'],
  oci: ['spec', 'fs'],
  'runtime-shim': ['spec', 'fs', 'oci'],
  planner: ['spec', 'parser'],
  context: ['spec', 'oci', 'fs'],
  snapshots: ['spec', 'oci', 'fs', 'runtime-shim'],
  cache: ['spec', 'oci', 'context', 'fs', 'registry'],
  registry: ['spec', 'oci', 'fs'],
  executor: ['spec', 'parser', 'planner', 'cache', 'context', 'oci', 'fs', 'snapshots', 'registry', 'runtime-shim'],
  container: ['spec', 'oci', 'fs', 'snapshots', 'registry', 'runtime-shim', 'executor'],
  api: ['spec', 'executor', 'planner', 'parser', 'cache', 'context', 'oci', 'fs', 'snapshots', 'registry', 'runtime-shim', 'container'],
  action: ['spec', 'cli'],
  // The CLI stands on the API alone (and the pure rules): its commands turn flags into API options and format results.
  cli: ['spec', 'api'],
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : full.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): { target: string; typeOnly: boolean; dynamic?: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const found: { target: string; typeOnly: boolean; dynamic?: boolean }[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'(\.[^']+)'/gm)) {
    found.push({ target: path.resolve(path.dirname(file), match[3]), typeOnly: Boolean(match[2]) });
  }
  for (const match of text.matchAll(/import\('(\.[^']+)'\)/g)) {
    found.push({ target: path.resolve(path.dirname(file), match[1]), typeOnly: false, dynamic: true });
  }
  return found;
}

function moduleOf(absolute: string): string {
  const rel = path.relative(src, absolute);
  return rel.includes(path.sep) ? rel.split(path.sep)[0] : rel.replace(/\.[jt]s$/, '');
}

describe('module boundaries', () => {
  it.each(Object.keys(allowed))('%s imports only what DESIGN.md allows', (module) => {
    const violations: string[] = [];
    for (const file of filesUnder(path.join(src, module))) {
      for (const { target, typeOnly } of importsOf(file)) {
        const to = moduleOf(target);
        if (to === module || to === 'errors') continue;
        const rule = allowed[module];
        const typesFile = `${to}:${path.basename(target).replace(/\.js$/, '')}`;
        if (rule.includes(to) || (typeOnly && rule.includes(typesFile))) continue;
        violations.push(`${path.relative(src, file)} -> ${path.relative(src, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  // A dynamic import() may name a file of another module: it is a lazy-loading point that keeps
  // start-up from loading the whole module (the CLI bundle splits at each one). For the same reason
  // the CLI names the API file of what it needs, and the API files the CLI loads at start-up
  // (flag parsers, the leftover sweep, rootless entry, version) and the listing verbs (images)
  // name the files they use.
  it('static cross-module imports go through the module\'s index.ts, its public surface', () => {
    const files = [...filesUnder(src).filter((file) => path.dirname(file) !== src), path.join(src, 'index.ts')];
    const violations: string[] = [];
    const startUp = ['api/parsers.ts', 'api/leftovers.ts', 'api/rootless.ts', 'api/version.ts', 'api/images.ts', 'api/stores.ts'].map((f) => path.join(src, f));
    for (const file of files) {
      const from = moduleOf(file);
      if (from === 'cli' || startUp.includes(file)) continue;
      for (const { target, dynamic } of importsOf(file)) {
        const to = moduleOf(target);
        if (to === from || to === 'errors' || dynamic) continue;
        if (path.relative(src, target) !== path.join(to, 'index.js')) violations.push(`${path.relative(src, file)} -> ${path.relative(src, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('sees every module folder', () => {
    const folders = readdirSync(src).filter((n) => statSync(path.join(src, n)).isDirectory());
    expect(folders.sort()).toEqual(Object.keys(allowed).sort());
  });
});

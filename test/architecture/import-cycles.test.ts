// No import cycles between source files: a DFS over every relative import (type-only and dynamic
// ones included, since a cycle of types is still two files that cannot be understood apart).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** The source files a file imports, by absolute `.ts` path. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...[...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/gm)].map((m) => m[1]),
    ...[...text.matchAll(/import\('(\.[^']+)'\)/g)].map((m) => m[1]),
  ];
  return [...new Set(specifiers.map((s) => path.resolve(path.dirname(file), s).replace(/\.js$/, '.ts')))];
}

/** Every cycle found by a DFS, each as the files along it (relative to src). */
export function importCycles(files: string[], edges: (file: string) => string[]): string[][] {
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string) => {
    state.set(file, 'active');
    stack.push(file);
    for (const next of edges(file)) {
      if (state.get(next) === 'active') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return cycles;
}

describe('import cycles', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const graph: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'], d: ['a'] };
    expect(importCycles(Object.keys(graph), (f) => graph[f] ?? [])).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('src has none', () => {
    const files = filesUnder(src);
    const known = new Set(files);
    const cycles = importCycles(files, (file) => importsOf(file).filter((target) => known.has(target)));
    expect(cycles.map((cycle) => cycle.map((f) => path.relative(src, f)).join(' -> '))).toEqual([]);
  });
});

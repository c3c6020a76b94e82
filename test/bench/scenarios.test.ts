// Generated benchmark scenarios (bench/scenarios.ts): FROM lines, file counts and the edit file.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { applyEdit, generateScenarios, restoreEditFile, SCENARIO_NAMES } from '../../bench/scenarios.js';

const root = mkdtempSync(path.join(tmpdir(), 'bench-scenarios-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const BASE = '127.0.0.1:5000/bench/busybox:latest';
const scenarios = generateScenarios(root, SCENARIO_NAMES, BASE);

function countFiles(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).length;
}

describe('generateScenarios', () => {
  test.each(SCENARIO_NAMES)('%s starts every stage FROM the local base image', (name) => {
    const scenario = scenarios.find((s) => s.name === name);
    const dockerfile = readFileSync(path.join(scenario?.contextDir ?? '', 'Dockerfile'), 'utf8');
    const froms = dockerfile.split('\n').filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThan(0);
    for (const from of froms) expect(from.split(' ')[1]).toBe(BASE);
  });

  test('parallel has three independent sleeping stages and a final stage', () => {
    const dockerfile = readFileSync(path.join(root, 'parallel', 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/RUN sleep 2/g)).toHaveLength(3);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(4);
  });

  test('large-context has 10k source files and 20k files excluded by .dockerignore', () => {
    const dir = path.join(root, 'large-context');
    expect(readFileSync(path.join(dir, '.dockerignore'), 'utf8')).toBe('node_modules\n**/*.log\n');
    expect(countFiles(path.join(dir, 'node_modules'))).toBe(10_000);
    const src = readdirSync(path.join(dir, 'src'), { recursive: true }).map(String);
    expect(src.filter((f) => f.endsWith('.ts'))).toHaveLength(10_000);
    expect(src.filter((f) => f.endsWith('.log'))).toHaveLength(10_000);
  });
});

describe('edits', () => {
  test.each(scenarios.map((s) => [s.name, s] as const))('%s: an edit changes the file and restore undoes it', (_name, scenario) => {
    const file = path.join(scenario.contextDir, scenario.editFile);
    expect(readFileSync(file, 'utf8')).toBe(scenario.editOriginal);
    applyEdit(scenario, 'round 1 buildah');
    const edited = readFileSync(file, 'utf8');
    applyEdit(scenario, 'round 1 buildkit');
    expect(readFileSync(file, 'utf8')).not.toBe(edited);
    expect(edited).not.toBe(scenario.editOriginal);
    restoreEditFile(scenario);
    expect(readFileSync(file, 'utf8')).toBe(scenario.editOriginal);
  });
});

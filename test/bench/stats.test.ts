// Medians, ratios, targets and round-robin order of the benchmark harness (bench/stats.ts).
import { describe, expect, test } from 'vitest';
import { builderOrder, median, ratio, summarize, summarizeCell, targetVsBuildkit } from '../../bench/stats.js';
import type { Sample } from '../../bench/types.js';

function sample(over: Partial<Sample>): Sample {
  return { builder: 'buildkit', scenario: 'multistage', phase: 'cold', round: 0, seconds: 1, peakRssBytes: 1, ...over };
}

describe('median', () => {
  test.each([
    [[], null],
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
    [[2, 2, 9], 2],
  ])('median(%j) = %j', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  test('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('ratio', () => {
  test('divides tsbuild by the other builder', () => {
    expect(ratio(1, 4)).toBe(0.25);
  });
  test.each([
    [null, 1],
    [1, null],
    [undefined, 1],
    [1, 0],
  ])('is null for %j / %j', (a, b) => {
    expect(ratio(a, b)).toBeNull();
  });
});

describe('targets against BuildKit', () => {
  test.each([
    ['multistage', 'warm', 0.5],
    ['multistage', 'edit', 0.7],
    ['multistage', 'cold', 1.0],
    ['parallel', 'cold', 1.0],
    ['parallel', 'edit', 1.0],
    ['parallel', 'warm', 0.5],
  ] as const)('%s/%s <= %d', (scenario, phase, target) => {
    expect(targetVsBuildkit(scenario, phase)).toBe(target);
  });
});

describe('summarizeCell', () => {
  test('takes the median of successful runs and counts failures apart', () => {
    const cell = summarizeCell([
      sample({ seconds: 1, peakRssBytes: 10 }),
      sample({ seconds: 100, peakRssBytes: 999, error: 'boom' }),
      sample({ seconds: 3, peakRssBytes: 30 }),
      sample({ seconds: 2, peakRssBytes: 20 }),
    ]);
    expect(cell).toEqual({ medianSeconds: 2, peakRssBytes: 30, runs: 3, failures: 1, firstError: 'boom' });
  });

  test('has no median when every run failed', () => {
    const cell = summarizeCell([sample({ error: 'x' })]);
    expect(cell.medianSeconds).toBeNull();
    expect(cell.peakRssBytes).toBeNull();
    expect(cell.failures).toBe(1);
  });
});

describe('summarize', () => {
  const samples = [
    sample({ builder: 'tsbuild', seconds: 1 }),
    sample({ builder: 'buildkit', seconds: 2 }),
    sample({ builder: 'buildah', seconds: 4 }),
    sample({ builder: 'buildkit', phase: 'warm', seconds: 0.5 }),
    sample({ builder: 'buildah', scenario: 'parallel', seconds: 9 }),
  ];

  test('keeps the scenario order given and skips phases without samples', () => {
    const rows = summarize(samples, ['parallel', 'multistage'], ['tsbuild', 'buildkit', 'buildah']);
    expect(rows.map((r) => `${r.scenario}/${r.phase}`)).toEqual(['parallel/cold', 'multistage/cold', 'multistage/warm']);
  });

  test('computes both ratios where tsbuild and the other builder have medians', () => {
    const [, cold, warm] = summarize(samples, ['parallel', 'multistage'], ['tsbuild', 'buildkit', 'buildah']);
    expect(cold.ratioVsBuildkit).toBe(0.5);
    expect(cold.ratioVsBuildah).toBe(0.25);
    expect(cold.targetVsBuildah).toBe(0.5);
    expect(warm.ratioVsBuildkit).toBeNull();
    expect(warm.cells.tsbuild).toBeUndefined();
  });

  test('leaves out builders not asked for', () => {
    const rows = summarize(samples, ['multistage'], ['buildkit']);
    expect(Object.keys(rows[0].cells)).toEqual(['buildkit']);
  });
});

describe('builderOrder', () => {
  test('rotates by round so each builder goes first in turn', () => {
    const builders = ['a', 'b', 'c'];
    expect([0, 1, 2, 3].map((round) => builderOrder(builders, round).join(''))).toEqual(['abc', 'bca', 'cab', 'abc']);
  });
  test('handles no builders', () => {
    expect(builderOrder([], 2)).toEqual([]);
  });
});

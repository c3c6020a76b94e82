// Rendering of benchmark results (bench/report.ts): the markdown table, failures and file name.
import { describe, expect, test } from 'vitest';
import {
  buildJsonReport,
  formatMiB,
  formatRatio,
  formatSeconds,
  renderFailures,
  renderMarkdown,
  resultFileName,
  summarizeError,
  type ReportMeta,
} from '../../bench/report.js';
import type { SummaryRow } from '../../bench/types.js';

const MiB = 1024 * 1024;

const rows: SummaryRow[] = [
  {
    scenario: 'multistage',
    phase: 'warm',
    cells: {
      tsbuild: { medianSeconds: 0.2, peakRssBytes: 80 * MiB, runs: 3, failures: 0 },
      buildkit: { medianSeconds: 0.5, peakRssBytes: 200 * MiB, runs: 3, failures: 0 },
      buildah: { medianSeconds: null, peakRssBytes: null, runs: 0, failures: 3, firstError: 'buildah exited with 1:\nline a\nline b\nError: no space' },
    },
    ratioVsBuildkit: 0.4,
    ratioVsBuildah: null,
    targetVsBuildkit: 0.5,
    targetVsBuildah: 0.5,
  },
];

const meta: ReportMeta = {
  date: '2026-11-25T08:00:00.000Z',
  host: 'h',
  rounds: 3,
  builders: ['tsbuild', 'buildkit', 'buildah'],
  versions: {},
  unavailable: { tsbuild: 'no build command' },
  loadAverage: { start: [0.5, 0.4, 0.3] },
};

describe('cell formatting', () => {
  test('seconds, failures and missing builders', () => {
    expect(formatSeconds(undefined)).toBe('-');
    expect(formatSeconds({ medianSeconds: null, peakRssBytes: null, runs: 0, failures: 2 })).toBe('FAIL');
    expect(formatSeconds({ medianSeconds: 1.234, peakRssBytes: 1, runs: 2, failures: 1 })).toBe('1.23 (1 failed)');
  });
  test('ratios are marked against their target', () => {
    expect(formatRatio(0.42, 0.5)).toBe('0.42 ok (<= 0.5)');
    expect(formatRatio(0.81, 0.7)).toBe('0.81 MISS (<= 0.7)');
    expect(formatRatio(null, 1)).toBe('- (<= 1)');
  });
  test('memory in MiB', () => {
    expect(formatMiB(300 * MiB)).toBe('300');
    expect(formatMiB(null)).toBe('-');
    expect(formatMiB(0)).toBe('-');
  });
});

describe('renderMarkdown', () => {
  test('renders a header, a separator and one line per row in builder column order', () => {
    const lines = renderMarkdown(rows, ['buildah', 'tsbuild', 'buildkit']).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      '| scenario | phase | tsbuild s | BuildKit s | buildah s | tsbuild/BuildKit | tsbuild/buildah | peak RSS MiB (tsbuild / BuildKit / buildah) |',
    );
    expect(lines[1]).toBe('|---|---|---|---|---|---|---|---|');
    expect(lines[2]).toBe('| multistage | warm | 0.20 | 0.50 | FAIL | 0.40 ok (<= 0.5) | - (<= 0.5) | 80 / 200 / - |');
  });

  test('drops columns of builders that were not asked for', () => {
    const header = renderMarkdown(rows, ['buildkit']).split('\n')[0];
    expect(header).not.toContain('buildah s');
    expect(header).toContain('BuildKit s');
  });
});

describe('renderFailures', () => {
  test('lists unavailable builders and failed cells with the end of the output', () => {
    expect(renderFailures(rows, meta)).toBe(
      [
        'Failures:',
        '- tsbuild: not run: no build command',
        '- buildah multistage/warm: 3 failed: buildah exited with 1: | ... | line b | Error: no space',
      ].join('\n'),
    );
  });
  test('does not repeat every cell of a builder that was not available', () => {
    const unavailableRow: SummaryRow = { ...rows[0], cells: { tsbuild: { medianSeconds: null, peakRssBytes: null, runs: 0, failures: 1, firstError: 'not available' } } };
    expect(renderFailures([unavailableRow], meta)).toBe('Failures:\n- tsbuild: not run: no build command');
  });
  test('is empty when nothing failed', () => {
    expect(renderFailures([], { ...meta, unavailable: {} })).toBe('');
  });
  test('summarizeError keeps short errors whole', () => {
    expect(summarizeError('a\n\nb')).toBe('a | b');
    expect(summarizeError(undefined)).toBe('unknown error');
  });
});

test('the JSON report carries meta, summary and samples and survives a round trip', () => {
  const report = buildJsonReport(meta, rows, []);
  expect(JSON.parse(JSON.stringify(report))).toEqual({ meta, summary: rows, samples: [] });
});

test('result file names are the UTC date and time without colons', () => {
  expect(resultFileName(new Date('2026-11-25T08:02:10.123Z'))).toBe('2026-11-25T08-02-10Z.json');
});

// Pure rendering of benchmark results: the markdown table printed at the end and the JSON record.
import type { BuilderName, Sample, SummaryCell, SummaryRow } from './types.js';

export interface ReportMeta {
  date: string;
  host: string;
  rounds: number;
  builders: BuilderName[];
  /** Builder name -> version string, or why the builder was left out. */
  versions: Partial<Record<BuilderName, string>>;
  /** Builder name -> why it could not run at all (prepare failed, command missing). */
  unavailable: Partial<Record<BuilderName, string>>;
  /** 1/5/15-minute load averages at the start and at the end: other work skews the figures. */
  loadAverage: { start: number[]; end?: number[] };
}

export interface JsonReport {
  meta: ReportMeta;
  summary: SummaryRow[];
  samples: Sample[];
}

const COLUMN_ORDER: BuilderName[] = ['tsbuild', 'buildkit', 'buildah'];
const LABEL: Record<BuilderName, string> = { tsbuild: 'tsbuild', buildkit: 'BuildKit', buildah: 'buildah' };

/** Seconds with two decimals, `FAIL` when every run failed, `-` when the builder did not run. */
export function formatSeconds(cell: SummaryCell | undefined): string {
  if (cell === undefined) return '-';
  if (cell.medianSeconds === null) return 'FAIL';
  const flag = cell.failures > 0 ? ` (${cell.failures} failed)` : '';
  return `${cell.medianSeconds.toFixed(2)}${flag}`;
}

/** `0.42 ok` / `0.81 MISS` against the target, `-` when there is no ratio. */
export function formatRatio(value: number | null, target: number): string {
  if (value === null) return `- (<= ${target})`;
  return `${value.toFixed(2)} ${value <= target ? 'ok' : 'MISS'} (<= ${target})`;
}

export function formatMiB(bytes: number | null | undefined): string {
  if (bytes == null || bytes <= 0) return '-';
  return (bytes / 1024 / 1024).toFixed(0);
}

/** The markdown table: median seconds per builder, ratios with targets, peak RSS in MiB. */
export function renderMarkdown(rows: readonly SummaryRow[], builders: readonly BuilderName[]): string {
  const shown = COLUMN_ORDER.filter((b) => builders.includes(b));
  const header = [
    'scenario',
    'phase',
    ...shown.map((b) => `${LABEL[b]} s`),
    'tsbuild/BuildKit',
    'tsbuild/buildah',
    `peak RSS MiB (${shown.map((b) => LABEL[b]).join(' / ')})`,
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const cells = [
      row.scenario,
      row.phase,
      ...shown.map((b) => formatSeconds(row.cells[b])),
      formatRatio(row.ratioVsBuildkit, row.targetVsBuildkit),
      formatRatio(row.ratioVsBuildah, row.targetVsBuildah),
      shown.map((b) => formatMiB(row.cells[b]?.peakRssBytes)).join(' / '),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** First line of an error plus the last two lines of the tool's output, on one line. */
export function summarizeError(error: string | undefined): string {
  const lines = (error ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return 'unknown error';
  const picked = lines.length <= 3 ? lines : [lines[0], '...', ...lines.slice(-2)];
  return picked.join(' | ').slice(0, 400);
}

/** One line per builder/scenario/phase whose runs failed, with the first error's first line. */
export function renderFailures(rows: readonly SummaryRow[], meta: ReportMeta): string {
  const lines: string[] = [];
  for (const [builder, why] of Object.entries(meta.unavailable)) lines.push(`- ${builder}: not run: ${why}`);
  for (const row of rows) {
    for (const [builder, cell] of Object.entries(row.cells)) {
      if (cell.failures === 0 || builder in meta.unavailable) continue;
      lines.push(`- ${builder} ${row.scenario}/${row.phase}: ${cell.failures} failed: ${summarizeError(cell.firstError)}`);
    }
  }
  return lines.length === 0 ? '' : `Failures:\n${lines.join('\n')}`;
}

export function buildJsonReport(meta: ReportMeta, summary: SummaryRow[], samples: Sample[]): JsonReport {
  return { meta, summary, samples };
}

/** File name for a results file: the date and time in UTC, safe on every filesystem. */
export function resultFileName(date: Date): string {
  return `${date.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`;
}

// Pure statistics over benchmark samples: medians per builder/scenario/phase, ratios and targets.
import type { BuilderName, Phase, Sample, SummaryCell, SummaryRow } from './types.js';
import { PHASES } from './types.js';

/** Median of a non-empty list (mean of the two middle values for even lengths); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** tsbuild time / other time; null when either side is missing or the other is zero. */
export function ratio(tsbuild: number | null | undefined, other: number | null | undefined): number | null {
  if (tsbuild == null || other == null || other <= 0) return null;
  return tsbuild / other;
}

/**
 * The project's targets for tsbuild / BuildKit: no-change rebuilds at most half, one-file edits
 * at most 0.7, cold builds (and the parallel-stages scenario) no slower.
 */
export function targetVsBuildkit(scenario: string, phase: Phase): number {
  if (scenario === 'parallel' && phase !== 'warm') return 1.0;
  switch (phase) {
    case 'warm':
      return 0.5;
    case 'edit':
      return 0.7;
    case 'cold':
      return 1.0;
    default: {
      const unreachable: never = phase;
      throw new Error(`unknown phase ${String(unreachable)}`);
    }
  }
}

/** tsbuild should take at most half of buildah's time in every phase. */
export const TARGET_VS_BUILDAH = 0.5;

/** Median of the successful runs and the highest peak RSS seen; failures are counted apart. */
export function summarizeCell(samples: readonly Sample[]): SummaryCell {
  const ok = samples.filter((s) => s.error === undefined);
  const failed = samples.filter((s) => s.error !== undefined);
  const cell: SummaryCell = {
    medianSeconds: median(ok.map((s) => s.seconds)),
    peakRssBytes: ok.length === 0 ? null : Math.max(...ok.map((s) => s.peakRssBytes)),
    runs: ok.length,
    failures: failed.length,
  };
  if (failed.length > 0) cell.firstError = failed[0].error;
  return cell;
}

/** One row per scenario (in the given order) and phase, with a cell per builder that has samples. */
export function summarize(
  samples: readonly Sample[],
  scenarios: readonly string[],
  builders: readonly BuilderName[],
): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const scenario of scenarios) {
    for (const phase of PHASES) {
      const cells: SummaryRow['cells'] = {};
      for (const builder of builders) {
        const mine = samples.filter((s) => s.builder === builder && s.scenario === scenario && s.phase === phase);
        if (mine.length > 0) cells[builder] = summarizeCell(mine);
      }
      if (Object.keys(cells).length === 0) continue;
      const ts = cells.tsbuild?.medianSeconds;
      rows.push({
        scenario,
        phase,
        cells,
        ratioVsBuildkit: ratio(ts, cells.buildkit?.medianSeconds),
        ratioVsBuildah: ratio(ts, cells.buildah?.medianSeconds),
        targetVsBuildkit: targetVsBuildkit(scenario, phase),
        targetVsBuildah: TARGET_VS_BUILDAH,
      });
    }
  }
  return rows;
}

/** Builders in round-robin order, rotated by the round number so no builder always goes first. */
export function builderOrder<T>(builders: readonly T[], round: number): T[] {
  if (builders.length === 0) return [];
  const shift = round % builders.length;
  return [...builders.slice(shift), ...builders.slice(0, shift)];
}

// The measuring loop: for every round and scenario, each builder in rotated order builds cold
// (after reset), warm (no change) and after a one-file edit.
import { applyEdit, restoreEditFile } from './scenarios.js';
import { builderOrder } from './stats.js';
import { PHASES, type Builder, type BuildResult, type Phase, type Sample, type Scenario } from './types.js';

export type ProgressLog = (line: string) => void;

async function measurePhases(builder: Builder, scenario: Scenario, round: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  const tag = `bench-${scenario.name}:latest`;
  const record = (phase: Phase, result: BuildResult): void => {
    samples.push({ builder: builder.name, scenario: scenario.name, phase, round, ...result });
  };
  restoreEditFile(scenario);
  try {
    await builder.reset();
  } catch (err) {
    const error = `reset failed: ${(err as Error).message}`;
    for (const phase of PHASES) record(phase, { seconds: 0, peakRssBytes: 0, error });
    return samples;
  }
  record('cold', await builder.build(scenario, tag));
  record('warm', await builder.build(scenario, tag));
  applyEdit(scenario, `round ${round} ${builder.name}`);
  record('edit', await builder.build(scenario, tag));
  return samples;
}

function describe(sample: Sample): string {
  const rss = `${(sample.peakRssBytes / 1024 / 1024).toFixed(0)} MiB`;
  const status = sample.error === undefined ? 'ok' : `FAILED: ${sample.error.split('\n').slice(-3).join(' | ').slice(0, 300)}`;
  return `round ${sample.round + 1} ${sample.scenario} ${sample.builder} ${sample.phase}: ${sample.seconds.toFixed(2)} s, ${rss}, ${status}`;
}

/** Runs every round; builders alternate (rotated per round) within each scenario. */
export async function runRounds(
  builders: readonly Builder[],
  scenarios: readonly Scenario[],
  rounds: number,
  log: ProgressLog,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const scenario of scenarios) {
      for (const builder of builderOrder(builders, round)) {
        for (const sample of await measurePhases(builder, scenario, round)) {
          log(describe(sample));
          samples.push(sample);
        }
      }
    }
  }
  return samples;
}

/** Failure samples for a builder that could not be prepared, so the table shows why. */
export function unavailableSamples(builder: Builder['name'], scenarios: readonly Scenario[], why: string): Sample[] {
  return scenarios.flatMap((scenario) =>
    PHASES.map((phase) => ({ builder, scenario: scenario.name, phase, round: 0, seconds: 0, peakRssBytes: 0, error: `not available: ${why}` })),
  );
}

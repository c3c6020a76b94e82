// Shared shapes of the benchmark harness: builders, phases, samples and the summary rows.

export type BuilderName = 'tsbuild' | 'buildkit' | 'buildah';
export type Phase = 'cold' | 'warm' | 'edit';
export const PHASES: readonly Phase[] = ['cold', 'warm', 'edit'];

/** A generated scenario: a context directory with a Dockerfile and one file to edit. */
export interface Scenario {
  name: string;
  description: string;
  /** Absolute path of the build context (the Dockerfile is `Dockerfile` inside it). */
  contextDir: string;
  /** Path relative to the context of the file the `edit` phase changes. */
  editFile: string;
  /** Content of `editFile` as generated, restored before every cold build. */
  editOriginal: string;
}

/** One measured build. `error` is set when the builder failed; `seconds` is still the wall time. */
export interface Sample {
  builder: BuilderName;
  scenario: string;
  phase: Phase;
  round: number;
  seconds: number;
  peakRssBytes: number;
  error?: string;
}

/** What a builder adapter reports about one build. */
export interface BuildResult {
  seconds: number;
  peakRssBytes: number;
  error?: string;
}

/** One adapter per builder: prepared once, reset before every cold build, torn down at the end. */
export interface Builder {
  readonly name: BuilderName;
  /** Starts daemons and checks the tool works; throws a readable error when it cannot. */
  prepare(): Promise<void>;
  build(scenario: Scenario, tag: string): Promise<BuildResult>;
  /** Removes every cache and image of this builder, so the next build is cold. */
  reset(): Promise<void>;
  teardown(): Promise<void>;
}

/** Median figures of one builder for one scenario and phase. */
export interface SummaryCell {
  medianSeconds: number | null;
  peakRssBytes: number | null;
  runs: number;
  failures: number;
  firstError?: string;
}

export interface SummaryRow {
  scenario: string;
  phase: Phase;
  cells: Partial<Record<BuilderName, SummaryCell>>;
  /** tsbuild median / other builder's median; null when either is missing. */
  ratioVsBuildkit: number | null;
  ratioVsBuildah: number | null;
  targetVsBuildkit: number;
  targetVsBuildah: number;
}

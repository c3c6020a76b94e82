// The shape of one conformance corpus runner.
export interface ConformanceResult {
  passed: number;
  /** One line per failed case: its name and what differed. */
  failed: string[];
  /** Ratchet breaks (a failure not expected, an expected failure that passes): fail the run. */
  violations?: string[];
  /** Always printed after the counts (e.g. the tests not ported, with the reason). */
  notes?: string[];
}

export interface ConformanceCorpus {
  name: string;
  /** False when the corpus brings its own cases instead of reading ../shared/corpus. */
  needsCorpus?: boolean;
  run(corpusRoot: string): Promise<ConformanceResult>;
}

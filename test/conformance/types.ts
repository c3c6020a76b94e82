// The shape of one conformance corpus runner.
export interface ConformanceResult {
  passed: number;
  /** One line per failed case: its name and what differed. */
  failed: string[];
}

export interface ConformanceCorpus {
  name: string;
  run(corpusRoot: string): Promise<ConformanceResult>;
}

// A named conformance check over the shared corpus: run() returns undefined on success or
// a one-line description of the difference.

export interface CorpusCase {
  name: string;
  run(): string | undefined;
}

/** Runs `fn`; a thrown error becomes the failure text. */
export function check(name: string, fn: () => string | undefined): CorpusCase {
  return {
    name,
    run() {
      try {
        return fn();
      } catch (error) {
        return `threw ${error instanceof Error ? error.message : String(error)}`;
      }
    },
  };
}

/** Compares JSON renderings; returns a failure text when they differ. */
export function expectEqual(actual: unknown, expected: unknown): string | undefined {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  return a === e ? undefined : `got ${a}, want ${e}`;
}

/** Passes when `fn` throws (optionally with a message containing `text`). */
export function expectThrow(fn: () => unknown, text?: string): string | undefined {
  try {
    fn();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return text === undefined || message.includes(text) ? undefined : `error "${message}" lacks "${text}"`;
  }
  return 'did not fail';
}

export function tally(cases: CorpusCase[]): { passed: number; failed: string[] } {
  const result = { passed: 0, failed: [] as string[] };
  for (const testCase of cases) {
    const failure = testCase.run();
    if (failure === undefined) result.passed += 1;
    else result.failed.push(`${testCase.name}: ${failure}`);
  }
  return result;
}

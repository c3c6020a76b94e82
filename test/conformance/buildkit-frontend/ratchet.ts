// The ratchet of the BuildKit frontend suite: a case may fail only when it is listed as expected
// to fail, and a listed case that passes must be taken off the list.
import type { CaseResult } from './harness.js';

export interface RatchetVerdict {
  passed: number;
  /** `name: why` of every failed case. */
  failed: string[];
  /** What breaks the ratchet: unexpected failures, listed cases that pass, unknown names. */
  violations: string[];
}

export function applyRatchet(results: CaseResult[], expectedFailures: Record<string, string>, complete: boolean): RatchetVerdict {
  const violations: string[] = [];
  const failed: string[] = [];
  let passed = 0;
  for (const result of results) {
    const listed = expectedFailures[result.name];
    if (result.failure === undefined) {
      passed++;
      if (listed !== undefined) violations.push(`${result.name} passes now: remove it from expected-failures.ts`);
    } else {
      failed.push(`${result.name}: ${result.failure}${listed === undefined ? '' : ` [expected: ${listed}]`}`);
      if (listed === undefined) violations.push(`${result.name} fails and is not in expected-failures.ts: ${result.failure}`);
    }
  }
  if (complete) {
    const names = new Set(results.map((r) => r.name));
    for (const name of Object.keys(expectedFailures)) {
      if (!names.has(name)) violations.push(`expected-failures.ts lists ${name}, which is no case`);
    }
  }
  return { passed, failed, violations };
}

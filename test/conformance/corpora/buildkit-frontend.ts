// Conformance: BuildKit's own Dockerfile frontend integration tests (moby/buildkit
// frontend/dockerfile/*_test.go), ported as black-box cases and built by the real engine.
import { removeTempDirs } from '../../build/helpers.js';
import { allCases } from '../buildkit-frontend/cases/index.js';
import { expectedFailures } from '../buildkit-frontend/expected-failures.js';
import { runCases } from '../buildkit-frontend/harness.js';
import { notPorted } from '../buildkit-frontend/not-ported.js';
import { applyRatchet } from '../buildkit-frontend/ratchet.js';
import type { ConformanceCorpus, ConformanceResult } from '../types.js';

/** `TSBUILD_BKFE_CASES=substring` runs only the matching cases (and skips the stale-list check). */
const filter = process.env.TSBUILD_BKFE_CASES;

export const corpus: ConformanceCorpus = {
  name: 'buildkit-frontend',
  needsCorpus: false,
  async run(): Promise<ConformanceResult> {
    const cases = filter ? allCases.filter((c) => c.name.includes(filter)) : allCases;
    const concurrency = Number(process.env.TSBUILD_BKFE_JOBS ?? 2);
    try {
      const verdict = applyRatchet(await runCases(cases, concurrency), expectedFailures, !filter);
      const portedGoTests = new Set(allCases.map((c) => c.name.split('/')[0]));
      const listedTwice = Object.keys(notPorted).filter((name) => portedGoTests.has(name));
      return {
        passed: verdict.passed,
        failed: verdict.failed,
        violations: [...verdict.violations, ...listedTwice.map((name) => `${name} is ported: remove it from not-ported.ts`)],
        notes: [
          `${portedGoTests.size} Go tests ported as ${allCases.length} cases; ${Object.keys(notPorted).length} not ported:`,
          ...Object.entries(notPorted).map(([name, reason]) => `not ported: ${name}: ${reason}`),
        ],
      };
    } finally {
      removeTempDirs();
    }
  },
};

// What one build produces as it walks its plan: step results, and what it used of the cache
// (the records and cache mounts `--cache-to` exports). Everything it only reads is BuildContext.
import type { CacheLookup, StepResultRecord } from '../cache/index.js';
import { TsbuildError } from '../errors.js';
import type { BuildPlan, StepId } from '../planner/index.js';
import { stepNames } from './step-names.js';
import type { StepResult } from './step-result.js';

export class BuildState {
  /** Display names of the steps (`[stage 2/3] RUN ...`). */
  readonly stepNames: ReadonlyMap<StepId, string>;
  readonly results = new Map<StepId, StepResult>();
  /** Cache records this build used or wrote, by key (what --cache-to exports). */
  readonly usedRecords = new Map<string, StepResultRecord>();
  /** `ADD <git URL>` and `ADD <https URL>` sources by step, with the commit or digest they resolved to (provenance materials). */
  readonly remoteSources = new Map<StepId, { uri: string; digest: Record<string, string> }[]>();
  /** Cache mount directories used by this build, by id (for `cache-mounts=true`). */
  readonly usedCacheMounts = new Map<string, string>();
  /** Cache mount ids this build empties for a step whose cache it ignores (BuildKit's PruneCacheMounts), until done. */
  readonly prunedCacheMounts = new Map<string, Promise<void>>();

  /** `cache`: local records and those imported with --cache-from. */
  constructor(readonly plan: BuildPlan, readonly cache: CacheLookup) {
    this.stepNames = stepNames(plan);
  }

  /** The result of a step that has run (the DAG walk runs inputs first). */
  resultOf(id: StepId): StepResult {
    const result = this.results.get(id);
    if (!result) throw new TsbuildError('INTERNAL', `step ${id} has not run yet`);
    return result;
  }
}

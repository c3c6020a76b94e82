// Typed progress events of a build, delivered through the `onEvent` callback; the CLI renders
// them (tty, plain, json) and the Node API passes them through unchanged.

/** Identifies a step in progress output: BuildKit-style `[stage n/m] INSTRUCTION`. */
export interface StepLabel {
  stepId: string;
  /** Short name shown to users, e.g. `[builder 2/4] RUN make`. */
  name: string;
  /** 1-based Dockerfile line of the instruction, when the step has one. */
  line?: number;
}

export type BuildEvent =
  | ({ type: 'step.started' } & StepLabel)
  | ({ type: 'step.cached' } & StepLabel)
  | ({ type: 'step.log'; stream: 'stdout' | 'stderr'; text: string } & StepLabel)
  | ({ type: 'step.done'; durationMs: number } & StepLabel)
  | ({ type: 'step.failed'; durationMs: number; error: string } & StepLabel)
  | ({ type: 'cache.miss'; reasons: string[] } & StepLabel)
  | {
      type: 'blob.progress';
      action: 'pull' | 'push' | 'export';
      digest: string;
      done: number;
      total: number;
    }
  | { type: 'warning'; message: string; line?: number }
  /**
   * `imageId` is the config digest (docker's image ID); `digest` the manifest's (or the index's),
   * as the registry has it when `distributed` (pushed or written for elsewhere, layers gzipped).
   */
  | { type: 'result'; digest: string; imageId: string; tags: string[]; durationMs: number; distributed: boolean };

export type BuildEventType = BuildEvent['type'];

export type EventSink = (event: BuildEvent) => void;

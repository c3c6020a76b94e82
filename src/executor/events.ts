// Typed progress events of a build, delivered through the `onEvent` callback; the CLI renders
// them (tty, plain, json) and the Node API passes them through unchanged. Each carries `time`,
// when it happened (ISO 8601), so a consumer that queues or logs them keeps the real timing.

/** Identifies a step in progress output: BuildKit-style `[stage n/m] INSTRUCTION`. */
export interface StepLabel {
  stepId: string;
  /** Short name shown to users, e.g. `[builder 2/4] RUN make`. */
  name: string;
  /** 1-based Dockerfile line of the instruction, when the step has one. */
  line?: number;
}

/** An event as the build's code emits it; the build stamps its `time`. */
export type UnstampedEvent =
  | ({ type: 'step.started' } & StepLabel)
  | ({ type: 'step.cached' } & StepLabel)
  /** One line of a step's output (without its newline), split where the program wrote newlines. */
  | ({ type: 'step.log'; stream: 'stdout' | 'stderr'; text: string } & StepLabel)
  | ({ type: 'step.done'; durationMs: number } & StepLabel)
  | ({ type: 'step.failed'; durationMs: number; error: string } & StepLabel)
  | ({ type: 'cache.miss'; reasons: string[] } & StepLabel)
  /**
   * A part of a step's work that is no transfer (BuildKit's vertex status): `resolve
   * docker.io/library/x@sha256:…`, `extracting sha256:…` under a FROM. Reported when it starts,
   * and again with `durationMs` when it is done.
   */
  | { type: 'step.status'; stepId: string; text: string; durationMs?: number }
  | {
      type: 'blob.progress';
      action: 'pull' | 'push' | 'export';
      digest: string;
      done: number;
      total: number;
      /** The step the transfer belongs to (a base image's pull, the export's push), when there is one. */
      stepId?: string;
    }
  | { type: 'warning'; message: string; line?: number }
  /**
   * `imageId` is the config digest (docker's image ID); `digest` the manifest's (or the index's),
   * as the registry has it when `distributed` (pushed or written for elsewhere, layers gzipped).
   */
  | { type: 'result'; digest: string; imageId: string; tags: string[]; durationMs: number; distributed: boolean }
  /** The build failed: the last event of a failed build, as `result` is of a successful one. */
  | { type: 'error'; code: string; message: string; file?: string; line?: number; durationMs: number };

type Stamped<E> = E extends unknown ? E & { time: string } : never;

/** What a build reports, stamped with the time it happened. */
export type BuildEvent = Stamped<UnstampedEvent>;

export type BuildEventType = BuildEvent['type'];

/** Receives every event of a build, in order. */
export type EventSink = (event: BuildEvent) => void;

/** How the build's code reports an event (the sink stamps it). */
export type Emit = (event: UnstampedEvent) => void;

/** The emitter that stamps each event with the current time and hands it to `sink`. */
export function stampingEmitter(sink: EventSink | undefined): Emit {
  return (event) => sink?.({ ...event, time: new Date().toISOString() } as BuildEvent);
}

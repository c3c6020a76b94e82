// What every progress renderer is (a file of its own so the renderers need not import the picker).
import type { EventSink } from '../../api/build.js';

export interface ProgressRenderer {
  onEvent: EventSink;
  /** Whether steps' output lines are on the user's screen (so the final error need not repeat them). */
  readonly showsStepOutput: boolean;
  /**
   * Flushes the display; call once when the build ends, with the error when it failed (one that
   * came before the build reported any event, such as a missing context, has no `error` event).
   */
  close(error?: unknown): void;
}

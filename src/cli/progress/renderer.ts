// What every progress renderer is (a file of its own so the renderers need not import the picker).
import type { BuildEvent, EventSink } from '../../api/build.js';

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

/**
 * The digests a build ends with, each labelled (docker users find the image by either): the image
 * ID is the config digest, the manifest digest is the registry's when the image was pushed.
 */
export function resultLines(event: Extract<BuildEvent, { type: 'result' }>): string[] {
  return [`image ID: ${event.imageId}`, `manifest digest: ${event.digest}${event.distributed ? ' (as pushed or exported)' : ''}`];
}

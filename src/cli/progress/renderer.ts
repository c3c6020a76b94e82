// What every progress renderer is (a file of its own so the renderers need not import the picker).
import type { BuildEvent, EventSink } from '../../api/build.js';

export interface ProgressRenderer {
  onEvent: EventSink;
  /** Flushes the display; call once when the build ends (successfully or not). */
  close(): void;
}

/**
 * The digests a build ends with, each labelled (docker users find the image by either): the image
 * ID is the config digest, the manifest digest is the registry's when the image was pushed.
 */
export function resultLines(event: Extract<BuildEvent, { type: 'result' }>): string[] {
  return [`image ID: ${event.imageId}`, `manifest digest: ${event.digest}${event.distributed ? ' (as pushed or exported)' : ''}`];
}

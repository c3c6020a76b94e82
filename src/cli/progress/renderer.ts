// What every progress renderer is (a file of its own so the renderers need not import the picker).
import type { EventSink } from '../../api/build.js';

export interface ProgressRenderer {
  onEvent: EventSink;
  /** Flushes the display; call once when the build ends (successfully or not). */
  close(): void;
}

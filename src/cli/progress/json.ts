// `--progress json`: one JSON object per event per line (schema: BuildEvent in events.ts).
import type { ProgressRenderer } from './renderer.js';

export function createJsonRenderer(out: NodeJS.WritableStream): ProgressRenderer {
  return {
    onEvent: (event) => {
      out.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
    },
    close: () => undefined,
  };
}

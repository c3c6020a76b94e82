// `--progress json`: one JSON object per event per line (schema: BuildEvent in events.ts), ending
// with a `result` or an `error` event.
import { TsbuildError } from '../../errors.js';
import type { ProgressRenderer } from './renderer.js';

export function createJsonRenderer(out: NodeJS.WritableStream): ProgressRenderer {
  let ended = false;
  return {
    showsStepOutput: false,
    onEvent: (event) => {
      ended ||= event.type === 'result' || event.type === 'error';
      out.write(`${JSON.stringify(event)}\n`);
    },
    close: (error) => {
      if (error === undefined || ended) return;
      const code = error instanceof TsbuildError ? error.code : 'INTERNAL';
      const message = error instanceof Error ? error.message : String(error);
      out.write(`${JSON.stringify({ type: 'error', code, message, time: new Date().toISOString() })}\n`);
    },
  };
}

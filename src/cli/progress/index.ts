// Picks a progress renderer for `--progress auto|tty|plain|json|quiet`.
import { createJsonRenderer } from './json.js';
import { createPlainRenderer } from './plain.js';
import type { ProgressRenderer } from './renderer.js';
import { createTtyRenderer } from './tty.js';

export type { ProgressRenderer } from './renderer.js';

export type ProgressMode = 'auto' | 'tty' | 'plain' | 'json' | 'quiet';

export function createProgressRenderer(
  mode: ProgressMode,
  out: NodeJS.WriteStream = process.stderr,
): ProgressRenderer {
  const effective = mode === 'auto' ? (out.isTTY && !process.env.CI ? 'tty' : 'plain') : mode;
  switch (effective) {
    case 'tty':
      return createTtyRenderer(out);
    case 'plain':
      return createPlainRenderer(out);
    case 'json':
      return createJsonRenderer(process.stdout);
    case 'quiet':
      return { onEvent: () => undefined, close: () => undefined, showsStepOutput: false };
    default: {
      const unknown: never = effective;
      throw new Error(`unknown progress mode ${String(unknown)}`);
    }
  }
}

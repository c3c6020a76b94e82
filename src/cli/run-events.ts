// Renders runContainer's events as the lines `docker run` prints on stderr (pull status, warnings).
import type { RunEvent } from '../api/run.js';

export function printRunEvent(event: RunEvent, write: (line: string) => void): void {
  switch (event.kind) {
    case 'pull.start':
      if (event.reason === 'missing') write(`Unable to find image '${event.reference}' locally`);
      write(`Pulling ${event.reference}`);
      return;
    case 'pull.progress':
      if (event.progress.status === 'done') write(`${event.progress.digest.slice(7, 19)}: Pull complete`);
      if (event.progress.status === 'exists') write(`${event.progress.digest.slice(7, 19)}: Already exists`);
      return;
    case 'pull.done':
      write(`Digest: ${event.digest}`);
      write(`Status: Downloaded image for ${event.name}`);
      return;
    case 'warning':
      write(`WARNING: ${event.message}`);
      return;
    default: {
      const unhandled: never = event;
      throw new Error(`unknown run event ${JSON.stringify(unhandled)}`);
    }
  }
}

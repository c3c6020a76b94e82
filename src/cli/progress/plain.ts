// `--progress plain`: BuildKit-style numbered lines and full step output, for CI logs.
import type { BuildEvent } from '../../api/build.js';
import { resultLines, type ProgressRenderer } from './renderer.js';

export function createPlainRenderer(out: NodeJS.WritableStream): ProgressRenderer {
  const numbers = new Map<string, number>();
  const transfersDone = new Set<string>();
  const startedAt = new Map<string, number>();
  const number = (stepId: string): number => {
    let n = numbers.get(stepId);
    if (n === undefined) numbers.set(stepId, (n = numbers.size + 1));
    return n;
  };
  const seconds = (stepId: string) => ((Date.now() - (startedAt.get(stepId) ?? Date.now())) / 1000).toFixed(1);
  const write = (line: string): void => {
    out.write(`${line}\n`);
  };

  const onEvent = (event: BuildEvent): void => {
    switch (event.type) {
      case 'step.started':
        startedAt.set(event.stepId, Date.now());
        return write(`#${number(event.stepId)} ${event.name}`);
      case 'step.cached':
        write(`#${number(event.stepId)} ${event.name}`);
        return write(`#${number(event.stepId)} CACHED`);
      case 'step.log':
        return write(`#${number(event.stepId)} ${seconds(event.stepId)} ${event.text}`);
      case 'step.done':
        return write(`#${number(event.stepId)} DONE ${(event.durationMs / 1000).toFixed(1)}s`);
      case 'step.failed':
        // The output was shown line by line above; the error at the end repeats the command.
        return write(`#${number(event.stepId)} ERROR: ${event.error.split('\n')[0]}`);
      case 'cache.miss':
        return write(`#${number(event.stepId)} cache miss: ${event.reasons.join('; ')}`);
      case 'blob.progress': {
        // Once per blob: a transfer may report completion more than once (retries, several names).
        const key = `${event.action} ${event.digest}`;
        if (event.done < event.total || transfersDone.has(key)) return;
        transfersDone.add(key);
        const prefix = event.stepId === undefined ? '' : `#${number(event.stepId)} `;
        return write(`${prefix}${event.action} ${event.digest} ${event.total} bytes done`);
      }
      case 'step.status': {
        // Once, when done, with its time when it took any (as BuildKit prints a vertex status).
        if (event.durationMs === undefined) return;
        const time = event.durationMs > 10 ? ` ${(event.durationMs / 1000).toFixed(1)}s` : '';
        return write(`#${number(event.stepId)} ${event.text}${time} done`);
      }
      case 'warning':
        return write(`WARNING: ${event.line ? `line ${event.line}: ` : ''}${event.message}`);
      case 'result':
        for (const line of resultLines(event)) write(line);
        for (const tag of event.tags) write(`naming to ${tag} done`);
        return write(`built in ${(event.durationMs / 1000).toFixed(1)}s`);
      case 'error':
        return; // the command prints it, with the Dockerfile excerpt
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  };
  return { onEvent, close: () => undefined, showsStepOutput: true };
}

// The one message a `run -d` supervisor sends its starter: `{"id"}` once the container runs, or
// `{"error"}` when it could not start. A pipe closed without either means the supervisor died.
import type { Readable, Writable } from 'node:stream';

export interface DetachedReport {
  id?: string;
  error?: string;
}

export function readReport(stream: Readable | Writable | null | undefined): Promise<DetachedReport> {
  return new Promise((resolve) => {
    if (!stream || !('on' in stream)) return resolve({});
    let text = '';
    const readable = stream as Readable;
    readable.setEncoding('utf8');
    const finish = (): void => {
      readable.destroy(); // processes the supervisor starts may hold the pipe's other end on
      try {
        resolve(reportOf(JSON.parse(text.split('\n')[0] ?? '')));
      } catch {
        resolve({});
      }
    };
    readable.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) finish();
    });
    readable.on('error', () => resolve({}));
    readable.on('close', finish);
  });
}

/** The supervisor's first line, keeping only the fields a report has, each a string. */
function reportOf(value: unknown): DetachedReport {
  if (typeof value !== 'object' || value === null) return {};
  const { id, error } = value as Record<string, unknown>;
  return { ...(typeof id === 'string' ? { id } : {}), ...(typeof error === 'string' ? { error } : {}) };
}

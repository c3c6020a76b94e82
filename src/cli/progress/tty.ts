// `--progress tty`: a live view redrawn in place — one line per step with its elapsed time,
// CACHED markers, byte progress of blob transfers and the tail of a running step's output.
import type { BuildEvent } from '../../api/build.js';
import { resultLines, type ProgressRenderer } from './renderer.js';

type StepState = 'running' | 'done' | 'cached' | 'failed';

interface StepView {
  name: string;
  state: StepState;
  startedAt: number;
  durationMs?: number;
  tail: string[];
}

const TAIL_LINES = 6;
const REDRAW_MS = 120;

export function createTtyRenderer(out: NodeJS.WriteStream): ProgressRenderer {
  const steps = new Map<string, StepView>();
  const blobs = new Map<string, { action: string; done: number; total: number }>();
  const footer: string[] = [];
  const startedAt = Date.now();
  let drawnLines = 0;

  const draw = (final: boolean) => {
    const lines = render(steps, blobs, footer, startedAt, final, out.columns || 100);
    const clear = drawnLines > 0 ? `\x1b[${drawnLines}A\x1b[0J` : '';
    out.write(`${clear}${lines.join('\n')}\n`);
    drawnLines = lines.length;
  };
  const timer = setInterval(() => draw(false), REDRAW_MS);
  timer.unref();

  return {
    onEvent: (event) => apply(event, steps, blobs, footer),
    close: () => {
      clearInterval(timer);
      draw(true);
    },
  };
}

function apply(
  event: BuildEvent,
  steps: Map<string, StepView>,
  blobs: Map<string, { action: string; done: number; total: number }>,
  footer: string[],
): void {
  const step = 'stepId' in event ? steps.get(event.stepId) : undefined;
  switch (event.type) {
    case 'step.started':
      steps.set(event.stepId, { name: event.name, state: 'running', startedAt: Date.now(), tail: [] });
      return;
    case 'step.cached':
      steps.set(event.stepId, { name: event.name, state: 'cached', startedAt: Date.now(), tail: [] });
      return;
    case 'step.log':
      if (step) step.tail = [...step.tail, ...event.text.replace(/\n$/, '').split('\n')].slice(-TAIL_LINES);
      return;
    case 'step.done':
    case 'step.failed':
      if (step) Object.assign(step, { state: event.type === 'step.done' ? 'done' : 'failed', durationMs: event.durationMs });
      if (event.type === 'step.failed') footer.push(`ERROR ${event.name}: ${event.error}`);
      return;
    case 'blob.progress':
      blobs.set(`${event.action} ${event.digest}`, event);
      return;
    case 'warning':
      footer.push(`WARNING: ${event.line ? `line ${event.line}: ` : ''}${event.message}`);
      return;
    case 'result':
      footer.push(...resultLines(event).map((line) => `=> ${line}`));
      if (event.tags.length) footer.push(`=> naming to ${event.tags.join(', ')}`);
      return;
    case 'cache.miss':
      return;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

function render(
  steps: Map<string, StepView>,
  blobs: Map<string, { action: string; done: number; total: number }>,
  footer: string[],
  startedAt: number,
  final: boolean,
  columns: number,
): string[] {
  const fit = (line: string) => (line.length > columns - 1 ? `${line.slice(0, columns - 2)}…` : line);
  const views = [...steps.values()];
  const cached = views.filter((s) => s.state === 'cached').length;
  const lines = [`[+] Building ${seconds(Date.now() - startedAt)} (${views.length} steps, ${cached} cached)${final ? ' FINISHED' : ''}`];
  for (const view of views) {
    const time = view.state === 'running' ? Date.now() - view.startedAt : (view.durationMs ?? 0);
    const marker = { running: ' =>', done: ' ✔', cached: ' ✔', failed: ' ✘' }[view.state];
    const suffix = view.state === 'cached' ? 'CACHED' : seconds(time);
    lines.push(fit(`${marker} ${view.name} ${suffix}`));
    if (view.state === 'running' || view.state === 'failed') for (const t of view.tail) lines.push(fit(`    ${t}`));
  }
  for (const [key, blob] of blobs) {
    if (!final && blob.done < blob.total) lines.push(fit(` => ${key.slice(0, 30)} ${bar(blob.done, blob.total)}`));
  }
  return [...lines, ...footer.map(fit)];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function bar(done: number, total: number): string {
  const width = 20;
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  return `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(done / 1048576).toFixed(1)}/${(total / 1048576).toFixed(1)} MiB`;
}

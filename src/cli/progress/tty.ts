// `--progress tty`: a live view redrawn in place, as BuildKit's — a `[+] Building 3.2s (4/7)`
// header, one line per step with its elapsed time right-aligned, CACHED markers, byte progress of
// the transfers under their step and the tail of a running step's output. The live view never
// grows past the terminal (a taller one would scroll copies of itself into the scrollback); the
// final view lists every step once.
import type { BuildEvent } from '../../api/build.js';
import { resultLines, type ProgressRenderer } from './renderer.js';

type StepState = 'running' | 'done' | 'cached' | 'failed';

interface Transfer {
  action: string;
  done: number;
  total: number;
}

/** A part of a step's work that is no transfer (`resolve …`, `extracting …`). */
interface Status {
  startedAt: number;
  durationMs?: number;
}

interface StepView {
  name: string;
  state: StepState;
  startedAt: number;
  durationMs?: number;
  tail: string[];
  transfers: Map<string, Transfer>;
  statuses: Map<string, Status>;
}

interface ViewState {
  steps: Map<string, StepView>;
  /** Transfers that belong to no step. */
  transfers: Map<string, Transfer>;
  footer: string[];
}

const TAIL_LINES = 6;
const REDRAW_MS = 120;

/** BuildKit's colours: finished steps blue, failures red, warnings yellow; none under NO_COLOR. */
const COLOURS = { done: '\x1b[34m', failed: '\x1b[31m', warning: '\x1b[33m' } as const;
type Colour = keyof typeof COLOURS;

export function createTtyRenderer(out: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): ProgressRenderer {
  const view: ViewState = { steps: new Map(), transfers: new Map(), footer: [] };
  const startedAt = Date.now();
  const paint = colourPainter(!env.NO_COLOR);
  let drawnLines = 0;

  const draw = (final: boolean) => {
    const lines = render(view, { startedAt, final, columns: out.columns || 100, rows: out.rows || 24 });
    const clear = drawnLines > 0 ? `\x1b[${drawnLines}A\x1b[0J` : '';
    out.write(`${clear}${lines.map(({ text, colour }) => paint(text, colour)).join('\n')}\n`);
    drawnLines = lines.length;
  };
  const timer = setInterval(() => draw(false), REDRAW_MS);
  timer.unref();

  return {
    showsStepOutput: true,
    onEvent: (event) => apply(event, view),
    close: () => {
      clearInterval(timer);
      draw(true);
    },
  };
}

function colourPainter(enabled: boolean): (text: string, colour: Colour | undefined) => string {
  return (text, colour) => (enabled && colour ? `${COLOURS[colour]}${text}\x1b[0m` : text);
}

function apply(event: BuildEvent, view: ViewState): void {
  const step = 'stepId' in event && event.stepId !== undefined ? view.steps.get(event.stepId) : undefined;
  switch (event.type) {
    case 'step.started':
    case 'step.cached': {
      const state = event.type === 'step.started' ? 'running' : 'cached';
      view.steps.set(event.stepId, {
        name: event.name, state, startedAt: Date.now(), tail: [], transfers: step?.transfers ?? new Map(), statuses: step?.statuses ?? new Map(),
      });
      return;
    }
    case 'step.log':
      if (step) step.tail = [...step.tail, event.text].slice(-TAIL_LINES);
      return;
    case 'step.done':
    case 'step.failed':
      if (step) Object.assign(step, { state: event.type === 'step.done' ? 'done' : 'failed', durationMs: event.durationMs });
      if (event.type === 'step.failed') view.footer.push(`ERROR ${event.name}: ${event.error.split('\n')[0]}`);
      return;
    case 'blob.progress':
      (step?.transfers ?? view.transfers).set(event.digest, event);
      return;
    case 'step.status':
      step?.statuses.set(event.text, { startedAt: step.statuses.get(event.text)?.startedAt ?? Date.now(), durationMs: event.durationMs });
      return;
    case 'warning':
      view.footer.push(`WARNING: ${event.line ? `line ${event.line}: ` : ''}${event.message}`);
      return;
    case 'result':
      view.footer.push(...resultLines(event).map((line) => `=> ${line}`));
      if (event.tags.length) view.footer.push(`=> naming to ${event.tags.join(', ')}`);
      return;
    case 'cache.miss':
    case 'error':
      return;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

interface Line {
  text: string;
  colour?: Colour;
}

interface Frame {
  startedAt: number;
  final: boolean;
  columns: number;
  rows: number;
}

function render(view: ViewState, frame: Frame): Line[] {
  // One column short of the width: a line that fills it would wrap on some terminals.
  const width = Math.max(20, frame.columns - 1);
  const steps = [...view.steps.values()];
  const finished = steps.filter((s) => s.state !== 'running').length;
  const elapsed = seconds(Date.now() - frame.startedAt);
  const header = { text: fit(`[+] Building ${elapsed} (${finished}/${steps.length})${frame.final ? ' FINISHED' : ''}`, width) };
  const blocks = steps.map((step) => stepBlock(step, frame.final, width));
  const loose = frame.final ? [] : [...view.transfers].filter(([, t]) => t.done < t.total).map(([digest, t]) => transferLine(digest, t, width));
  const footer: Line[] = view.footer.map((text) => ({ text: fit(text, width), colour: footerColour(text) }));
  if (frame.final) return [header, ...blocks.flat(), ...loose, ...footer];
  // Live: the header, then as many of the latest steps as fit; finished steps go first.
  const budget = Math.max(1, frame.rows - 2);
  const kept = keepWithin(blocks, steps, budget - Math.min(loose.length, budget));
  return [header, ...[...kept.flat(), ...loose].slice(-budget)];
}

/** Drops the oldest finished steps' lines until `budget` lines remain (or only running steps do). */
function keepWithin(blocks: Line[][], steps: StepView[], budget: number): Line[][] {
  const kept = blocks.map((block, i) => ({ block, running: steps[i].state === 'running' }));
  let total = blocks.reduce((sum, block) => sum + block.length, 0);
  for (let i = 0; i < kept.length && total > budget; i++) {
    if (kept[i].running) continue;
    total -= kept[i].block.length;
    kept[i].block = [];
  }
  return kept.map(({ block }) => block);
}

function stepBlock(step: StepView, final: boolean, width: number): Line[] {
  const time = step.state === 'running' ? Date.now() - step.startedAt : (step.durationMs ?? 0);
  const right = step.state === 'cached' ? 'CACHED' : step.state === 'failed' ? `ERROR ${seconds(time)}` : seconds(time);
  const colour: Colour | undefined = step.state === 'failed' ? 'failed' : step.state === 'running' ? undefined : 'done';
  const lines: Line[] = [{ text: aligned(` => ${step.name}`, right, width), colour }];
  for (const [text, status] of step.statuses) {
    if (!final || status.durationMs === undefined) lines.push({ text: aligned(` => => ${text}`, seconds(status.durationMs ?? Date.now() - status.startedAt), width) });
  }
  for (const [digest, transfer] of step.transfers) {
    if (!final || transfer.done < transfer.total) lines.push(transferLine(digest, transfer, width));
  }
  if (step.state === 'running' || step.state === 'failed') {
    for (const text of step.tail) lines.push({ text: fit(` => => # ${text}`, width), colour: step.state === 'failed' ? 'failed' : undefined });
  }
  return lines;
}

function transferLine(digest: string, transfer: Transfer, width: number): Line {
  const name = ` => => ${transfer.action} ${digest.slice(0, 19)}`;
  const state = transfer.done >= transfer.total ? `${mebibytes(transfer.total)} done` : `${mebibytes(transfer.done)} / ${mebibytes(transfer.total)}`;
  return { text: aligned(name, state, width) };
}

/** `left` cut to leave room for `right`, which ends at the last column. */
function aligned(left: string, right: string, width: number): string {
  const room = Math.max(1, width - right.length - 1);
  const name = left.length > room ? left.slice(0, room) : left.padEnd(room);
  return `${name} ${right}`;
}

function fit(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

function footerColour(text: string): Colour | undefined {
  if (text.startsWith('ERROR')) return 'failed';
  if (text.startsWith('WARNING')) return 'warning';
  return undefined;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1048576).toFixed(2)}MB`;
}

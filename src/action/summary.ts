// The job summary in Markdown: outcome, image names, digest and a table of the build steps.
import type { StepRecord, StepStatus } from './step-log.js';

export interface BuildSummary {
  exitCode: number;
  imageNames: string[];
  digest?: string;
  imageId?: string;
  steps: StepRecord[];
}

/** GitHub truncates summaries at 1 MiB; a few hundred rows keep it readable and far below that. */
const MAX_STEP_ROWS = 300;

const STATUS_TEXT: Record<StepStatus, string> = {
  done: '✅ done',
  cached: '♻️ cached',
  failed: '❌ failed',
  running: '⏹️ not finished',
};

export function renderSummary(summary: BuildSummary): string {
  const outcome = summary.exitCode === 0 ? '✅ succeeded' : `❌ failed (exit status ${summary.exitCode})`;
  const rows: Array<[string, string]> = [['Result', outcome]];
  if (summary.imageNames.length > 0) rows.push(['Image', summary.imageNames.map(code).join('<br>')]);
  if (summary.digest) rows.push(['Digest', code(summary.digest)]);
  if (summary.imageId) rows.push(['Image ID', code(summary.imageId)]);
  const lines = ['## tsbuild build', '', '| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`), ''];
  return [...lines, ...renderSteps(summary.steps)].join('\n');
}

function renderSteps(steps: StepRecord[]): string[] {
  if (steps.length === 0) return [];
  const shown = steps.slice(0, MAX_STEP_ROWS);
  const lines = ['### Build steps', '', '| # | Step | Status | Time |', '| ---: | --- | --- | ---: |'];
  for (const step of shown) {
    const time = step.durationSeconds === undefined ? '' : `${step.durationSeconds.toFixed(1)}s`;
    const status = STATUS_TEXT[step.status] + (step.error ? `: ${cell(step.error)}` : '');
    lines.push(`| ${step.number} | ${cell(step.name || '(unnamed step)')} | ${status} | ${time} |`);
  }
  if (steps.length > shown.length) lines.push('', `… and ${steps.length - shown.length} more steps (see the log).`);
  return [...lines, ''];
}

/** Text made safe inside a Markdown table cell: no HTML, no column breaks. */
function cell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}

function code(text: string): string {
  return `<code>${cell(text)}</code>`;
}

// Writes step outputs to `$GITHUB_OUTPUT` and the job summary to `$GITHUB_STEP_SUMMARY`, in the
// runner's file-command format (what @actions/core's setOutput and summary.write produce).
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

/**
 * One `name<<DELIMITER` block per output, the form that allows multi-line values; the delimiter
 * is random so no value can end the block early.
 */
export function formatOutputs(outputs: Record<string, string>, delimiter = `ghadelimiter_${randomUUID()}`): string {
  let text = '';
  for (const [name, value] of Object.entries(outputs)) {
    if (name.includes(delimiter) || value.includes(delimiter)) {
      throw new Error(`output "${name}" contains the delimiter ${delimiter}`);
    }
    text += `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
  }
  return text;
}

/** Appends the outputs; returns false when not running under a runner (`GITHUB_OUTPUT` unset). */
export function writeOutputs(env: NodeJS.ProcessEnv, outputs: Record<string, string>): boolean {
  const file = env.GITHUB_OUTPUT;
  if (!file) return false;
  appendFileSync(file, formatOutputs(outputs), 'utf8');
  return true;
}

export function appendSummary(env: NodeJS.ProcessEnv, markdown: string): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, markdown, 'utf8');
  return true;
}

/** A workflow command that shows `message` as an error annotation on the run. */
export function errorAnnotation(message: string): string {
  const escaped = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return `::error title=tsbuild::${escaped}${EOL}`;
}

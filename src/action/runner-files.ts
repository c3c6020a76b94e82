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

/** Where an annotation points: a file of the repository (relative to its root) and a line. */
export interface AnnotationPlace {
  file: string;
  line: number;
}

/**
 * A workflow command that shows `message` as an error annotation on the run, and on the line of
 * the file when `place` is given (GitHub places it in the diff and the file view).
 */
export function errorAnnotation(message: string, place?: AnnotationPlace): string {
  const at = place ? `file=${escapeProperty(place.file)},line=${place.line},` : '';
  return `::error ${at}title=tsbuild::${escapeData(message)}${EOL}`;
}

/** A notice annotation: something the run did differently from docker/build-push-action. */
export function noticeAnnotation(message: string): string {
  return `::notice title=tsbuild::${escapeData(message)}${EOL}`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** @actions/core's escapeProperty: also `:` and `,`, which end a property. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

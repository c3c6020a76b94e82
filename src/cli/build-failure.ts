// How `tsbuild build` reports a failed step: BuildKit's source frame (the Dockerfile lines around
// the failing instruction) and the error once — without the output tail the progress view showed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { StepFailedError } from '../errors.js';
import { sourceFrame } from './source-frame.js';

export interface FailureView {
  /** The progress display already showed the step's output lines. */
  outputShown: boolean;
  /** The Dockerfile's text when it did not come from a file (stdin). */
  dockerfileContents?: string;
  out?: NodeJS.WritableStream;
}

/** Prints the frame of a failed step and returns the error to report (shortened when its output was shown). */
export function reportBuildFailure(error: unknown, view: FailureView): unknown {
  const location = (error as { location?: { file?: string; line?: number } }).location;
  if (location?.file && location.line) {
    const text = view.dockerfileContents ?? readable(location.file);
    const frame = text === undefined ? undefined : sourceFrame(path.basename(location.file), text, location.line);
    if (frame) (view.out ?? process.stderr).write(`${frame}\n`);
  }
  if (error instanceof StepFailedError && view.outputShown) {
    return new StepFailedError(error.message.split('\n')[0], error.exitCode);
  }
  return error;
}

function readable(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

// Errors of a step name its Dockerfile line: `Dockerfile:7: <what went wrong>`.
import { TsbuildError, type SourceLocation } from '../errors.js';
import type { Step } from '../planner/index.js';

export function locationOf(step: Step): SourceLocation {
  return { file: step.file, line: step.range?.start.line ?? 0, column: step.range?.start.column ?? 1 };
}

/** The error with the step's `file:line` in front (once); other errors pass through. */
export function atStep(step: Step, error: unknown): unknown {
  if (!(error instanceof TsbuildError) || error.message.startsWith(`${step.file}:`)) return error;
  const { file, line } = locationOf(step);
  return new TsbuildError(error.code, `${file}:${line}: ${error.message}`, { cause: error, cliHint: error.cliHint });
}

/** Runs `action`, naming the step's line in any TsbuildError it throws. */
export function withLocation<T>(step: Step, action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw atStep(step, error);
  }
}

// The contract of one build-check rule (BuildKit's linter rules, docs.docker.com/reference/build-checks).
import type { SourceLocation } from '../../errors.js';
import type { Dockerfile, SourceRange } from '../../parser/index.js';
import type { PlanWarning } from '../types.js';

export interface CheckFinding {
  rule: string;
  message: string;
  location: SourceLocation;
}

/** What a rule looks at: the parsed file, and the warnings an offline plan of all stages gave. */
export interface CheckInput {
  dockerfile: Dockerfile;
  planWarnings: PlanWarning[];
}

export interface CheckRule {
  name: string;
  run(input: CheckInput): CheckFinding[];
}

export function finding(input: CheckInput, rule: string, message: string, range: SourceRange): CheckFinding {
  const { start, end } = range;
  return { rule, message, location: { file: input.dockerfile.file, line: start.line, column: start.column, endLine: end.line } };
}

/** The instruction keyword as written (`from`, `Run`, ...). */
export function keywordOf(original: string): string {
  return /^\s*(\S+)/.exec(original)?.[1] ?? '';
}

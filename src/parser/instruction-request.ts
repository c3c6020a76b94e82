// What every typed-instruction parser gets: the AST node, its argument list, its source range,
// and declarative flag parsing. Parsers throw InstructionError; the dispatcher adds file:line.

import type { AstNode } from './ast-line-parsers.js';
import { type FlagSpec, type ParsedFlags, parseFlags } from './flags.js';
import type { SourceRange } from './types.js';

/** An invalid instruction; the dispatcher turns it into a DockerfileSyntaxError at the node's line. */
export class InstructionError extends Error {
  constructor(
    message: string,
    readonly suggestion?: string,
  ) {
    super(message);
  }
}

export interface InstructionRequest {
  node: AstNode;
  /** BuildKit's nodeArgs: the argument values (ONBUILD: trigger keyword then its arguments). */
  args: string[];
  base: { range: SourceRange; original: string };
  /** Parses the node's flags against `spec` (call it even with `{}` so unknown flags fail). */
  flags(spec: FlagSpec): ParsedFlags;
}

function nodeArgs(node: AstNode): string[] {
  if (node.trigger) return [node.trigger.keyword, ...nodeArgs(node.trigger)];
  return node.args;
}

export function requestFor(node: AstNode): InstructionRequest {
  return {
    node,
    args: nodeArgs(node),
    base: {
      range: { start: { line: node.startLine, column: node.startColumn }, end: { line: node.endLine, column: node.endColumn } },
      original: node.original,
    },
    flags: (spec) => parseFlags(node.flags, spec),
  };
}

export const atLeastOne = (keyword: string): InstructionError => new InstructionError(`${keyword} requires at least one argument`);
export const exactlyOne = (keyword: string): InstructionError => new InstructionError(`${keyword} requires exactly one argument`);

/** Variables and substitutions cannot be validated before expansion. */
export const hasVariable = (value: string): boolean => value.includes('$');

// The parser's public entry: Dockerfile text -> typed, grouped instructions (and the AST and
// its BuildKit-format dump for tools and tests).

import { DockerfileSyntaxError } from '../errors.js';
import { parseAst } from './ast.js';
import { groupStages, parseInstruction } from './instructions.js';
import type { Dockerfile } from './types.js';

export { parseAst, type AstNode, type AstResult } from './ast.js';
export { dumpAst, dumpNode } from './dump.js';
export { detectDirective } from './directives.js';
export { parseInstruction } from './instructions.js';
export { chompHeredocContent } from './heredoc.js';

/** Parses a Dockerfile; throws DockerfileSyntaxError (with file:line) on any error. */
export function parseDockerfile(text: string, options: { file?: string } = {}): Dockerfile {
  const file = options.file ?? 'Dockerfile';
  const ast = parseAst(text, file);
  const instructions = ast.nodes.map((node) => parseInstruction(node, file));
  const { globalArgs, stages } = groupStages(instructions, file);
  if (stages.length === 0) {
    const line = ast.nodes[ast.nodes.length - 1].endLine;
    throw new DockerfileSyntaxError('dockerfile contains no stages to build', { file, line, column: 1 });
  }
  return { file, directives: ast.directives, globalArgs, stages, warnings: ast.warnings };
}
export { MountError, parseMount } from './mounts.js';
export { MAX_EXPANDED_WORD, expandWord, expandWordWithMatches, expandWords } from './shell-words.js';
export type { ExpansionResult, VariableLookup } from './shell-words.js';
export { closestMatch } from './suggest.js';
export type { AddInstruction, ArgInstruction, CmdInstruction, Command, CopyInstruction, Dockerfile, EntrypointInstruction, EnvInstruction, ExposeInstruction, FromInstruction, HealthcheckInstruction, Heredoc, Instruction, LabelInstruction, MaintainerInstruction, MountSpec, OnbuildInstruction, RunInstruction, ShellInstruction, SourceRange, Stage, StopsignalInstruction, UserInstruction, VolumeInstruction, WorkdirInstruction } from './types.js';

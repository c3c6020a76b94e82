// Stage 2 of the parser: AST nodes -> the typed Instruction union (one small parser per
// instruction, picked by one switch), then grouped into global ARGs and build stages.

import { DockerfileSyntaxError } from '../errors.js';
import type { AstNode } from './ast-line-parsers.js';
import { FlagError } from './flags.js';
import { type InstructionRequest, InstructionError, requestFor } from './instruction-request.js';
import { parseCmd, parseEntrypoint, parseHealthcheck, parseRun, parseShell } from './instructions-exec.js';
import { parseAdd, parseCopy, parseVolume, parseWorkdir } from './instructions-files.js';
import {
  parseArg,
  parseEnv,
  parseExpose,
  parseFrom,
  parseLabel,
  parseMaintainer,
  parseOnbuild,
  parseStopsignal,
  parseUser,
} from './instructions-meta.js';
import { closestMatch } from './suggest.js';
import type { ArgInstruction, Instruction, InstructionKind, Stage } from './types.js';

const KEYWORDS: InstructionKind[] = [
  'FROM', 'RUN', 'CMD', 'ENTRYPOINT', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'COPY', 'ADD',
  'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
];

function isKeyword(value: string): value is InstructionKind {
  return (KEYWORDS as string[]).includes(value);
}

function dispatch(kind: InstructionKind, req: InstructionRequest, file: string): Instruction {
  switch (kind) {
    case 'FROM': return parseFrom(req);
    case 'RUN': return parseRun(req);
    case 'CMD': return parseCmd(req);
    case 'ENTRYPOINT': return parseEntrypoint(req);
    case 'LABEL': return parseLabel(req);
    case 'MAINTAINER': return parseMaintainer(req);
    case 'EXPOSE': return parseExpose(req);
    case 'ENV': return parseEnv(req);
    case 'COPY': return parseCopy(req);
    case 'ADD': return parseAdd(req);
    case 'VOLUME': return parseVolume(req);
    case 'USER': return parseUser(req);
    case 'WORKDIR': return parseWorkdir(req);
    case 'ARG': return parseArg(req);
    case 'ONBUILD': return parseOnbuild(req, () => parseTrigger(req.node, file));
    case 'STOPSIGNAL': return parseStopsignal(req);
    case 'HEALTHCHECK': return parseHealthcheck(req);
    case 'SHELL': return parseShell(req);
    default: {
      const unreachable: never = kind;
      throw new InstructionError(`unknown instruction: ${String(unreachable)}`);
    }
  }
}

function parseTrigger(onbuild: AstNode, file: string): Instruction {
  const trigger = onbuild.trigger as AstNode;
  const { startLine, endLine, startColumn, endColumn, heredocs } = onbuild;
  const node: AstNode = { ...trigger, startLine, endLine, startColumn, endColumn, heredocs };
  return parseInstruction(node, file);
}

/** Converts one AST node; errors are DockerfileSyntaxErrors naming `file:line`. */
export function parseInstruction(node: AstNode, file = 'Dockerfile'): Instruction {
  const location = { file, line: node.startLine, column: node.startColumn, endLine: node.endLine };
  const kind = node.keyword.toUpperCase();
  if (!isKeyword(kind)) {
    throw new DockerfileSyntaxError(`unknown instruction: ${node.keyword}`, location, {
      text: node.original,
      suggestion: closestMatch(node.keyword, KEYWORDS),
    });
  }
  try {
    return dispatch(kind, requestFor(node), file);
  } catch (error) {
    if (error instanceof InstructionError || error instanceof FlagError) {
      throw new DockerfileSyntaxError(error.message, location, { text: node.original.trim(), suggestion: error.suggestion });
    }
    throw error;
  }
}

/** BuildKit's instructions.Parse: ARGs before the first FROM are global, then one stage per FROM. */
export function groupStages(instructions: Instruction[], file: string): { globalArgs: ArgInstruction[]; stages: Stage[] } {
  const globalArgs: ArgInstruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.kind === 'FROM') {
      stages.push({ index: stages.length, from: instruction, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction);
    } else if (instruction.kind === 'ARG') {
      globalArgs.push(instruction);
    } else {
      const { line, column } = instruction.range.start;
      throw new DockerfileSyntaxError(`no build stage in current context: ${instruction.kind} before the first FROM`, {
        file,
        line,
        column,
        endLine: instruction.range.end.line,
      }, { text: instruction.original.trim() });
    }
  }
  return { globalArgs, stages };
}

/** BuildKit's getComment: the comment line starting with `name ` documents it (prefix removed). */
export function docComment(comments: string[], name: string): string {
  if (name === '') return '';
  const line = comments.find((c) => c.startsWith(`${name} `));
  return line === undefined ? '' : line.slice(name.length + 1);
}

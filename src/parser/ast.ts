// Stage 1 of the parser: Dockerfile text -> a BuildKit-equivalent node tree. A line-level
// lexer written after BuildKit's parser.Parse: directives, escape-token line continuations
// (comment lines inside dropped, empty ones warned about), heredoc bodies, BOM, line limit.

import { DockerfileSyntaxError } from '../errors.js';
import type { Directives, ParseWarning } from './types.js';
import { type AstNode, LineSyntaxError, nodeFromLine } from './ast-line-parsers.js';
import { DirectiveParser } from './directives.js';
import { trimLeftSpace, trimSpace, utf8Length } from './go-text.js';
import { type AstHeredoc, HeredocSyntaxError, heredocsFromLine } from './heredoc.js';

export type { AstNode } from './ast-line-parsers.js';

export interface AstResult {
  file: string;
  nodes: AstNode[];
  directives: Directives;
  warnings: ParseWarning[];
}

/** bufio.MaxScanTokenSize - 1: BuildKit cannot read a longer line. */
const MAX_LINE_BYTES = 65535;
const HEREDOC_KEYWORDS = new Set(['add', 'copy', 'run']);

/** A cursor over physical lines, each with its newline kept (heredoc bodies need it). */
class LineReader {
  readonly lines: string[];
  index = 0;

  constructor(text: string) {
    this.lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  }

  next(): string | undefined {
    return this.index < this.lines.length ? this.lines[this.index++] : undefined;
  }
}

const trimNewline = (s: string): string => s.replace(/[\r\n]+$/, '');
const isComment = (s: string): boolean => trimLeftSpace(s).startsWith('#');

interface ParseState {
  file: string;
  escape: '\\' | '`';
  continuation: RegExp;
  directiveParser: DirectiveParser;
  directives: Directives;
}

function setEscape(state: ParseState, token: string, line: number): void {
  if (token !== '`' && token !== '\\') {
    throw syntaxError(state, `invalid escape token '${token}' does not match \` or \\`, line);
  }
  state.escape = token;
  const t = `\\${token}`;
  state.continuation = new RegExp(`([^${t}])${t}[ \\t]*$|^${t}[ \\t]*$`);
}

function syntaxError(state: ParseState, message: string, line: number, endLine?: number, text?: string): DockerfileSyntaxError {
  return new DockerfileSyntaxError(message, { file: state.file, line: Math.max(line, 1), column: 1, endLine }, { text });
}

/** processLine: strip the newline (and leading blanks), feed the directive parser, drop comments. */
function processLine(state: ParseState, raw: string, lineNo: number, stripLeft: boolean): { text: string; directive: boolean } {
  let token = trimNewline(raw);
  if (stripLeft) token = trimLeftSpace(token);
  let directive;
  try {
    directive = state.directiveParser.parseLine(token);
  } catch (error) {
    throw syntaxError(state, (error as Error).message, lineNo, undefined, token);
  }
  if (directive?.name === 'escape') setEscape(state, directive.value, lineNo);
  else if (directive) state.directives[directive.name] = directive.value;
  return { text: isComment(token) ? '' : token, directive: directive !== undefined };
}

function trimContinuation(state: ParseState, line: string): { text: string; ends: boolean } {
  if (!state.continuation.test(line)) return { text: line, ends: true };
  return { text: line.replace(state.continuation, '$1'), ends: false };
}

/** Parses Dockerfile text into instruction nodes; throws DockerfileSyntaxError naming the line. */
export function parseAst(text: string, file = 'Dockerfile'): AstResult {
  const state: ParseState = {
    file,
    escape: '\\',
    continuation: /$^/,
    directiveParser: new DirectiveParser(),
    directives: { escape: '\\' },
  };
  setEscape(state, '\\', 0);
  const reader = new LineReader(text.startsWith('\uFEFF') ? text.slice(1) : text);
  checkLineLengths(state, reader.lines);
  const nodes: AstNode[] = [];
  const warnings: ParseWarning[] = [];
  let comments: string[] = [];
  for (let raw = reader.next(); raw !== undefined; raw = reader.next()) {
    comments = collectComment(comments, raw);
    const startLine = reader.index;
    const processed = processLine(state, raw, startLine, true);
    // A directive is not a doc comment of the next instruction.
    if (processed.directive) comments = comments.slice(0, -1);
    const first = trimContinuation(state, processed.text);
    if (first.ends && first.text === '') continue;
    const joined = joinContinuation(state, reader, first);
    if (joined.emptyContinuation) warnings.push(emptyContinuationWarning(joined.line, reader.index));
    const node = buildNode(state, joined.line, comments, startLine, reader.index);
    node.startColumn = raw.length - trimLeftSpace(raw).length + 1;
    if (canContainHeredoc(node) && joined.line.includes('<<')) readHeredocs(state, reader, node, joined.line);
    node.endLine = reader.index;
    node.endColumn = trimNewline(reader.lines[reader.index - 1]).length + 1;
    nodes.push(node);
    comments = [];
  }
  if (nodes.length === 0) throw syntaxError(state, 'file with no instructions', reader.lines.length);
  state.directives.escape = state.escape;
  return { file, nodes, directives: state.directives, warnings };
}

function collectComment(comments: string[], raw: string): string[] {
  if (!isComment(raw)) return comments;
  const comment = trimSpace(trimLeftSpace(trimNewline(raw)).slice(1));
  return comment === '' ? [] : [...comments, comment];
}

function checkLineLengths(state: ParseState, lines: string[]): void {
  const index = lines.findIndex((line) => utf8Length(trimNewline(line)) > MAX_LINE_BYTES);
  if (index >= 0) {
    throw syntaxError(state, `dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`, index + 1);
  }
}

function joinContinuation(
  state: ParseState,
  reader: LineReader,
  first: { text: string; ends: boolean },
): { line: string; emptyContinuation: boolean } {
  let line = first.text;
  let ends = first.ends;
  let emptyContinuation = false;
  while (!ends) {
    const raw = reader.next();
    if (raw === undefined) break;
    const processed = processLine(state, raw, reader.index, false).text;
    if (isComment(raw)) continue;
    if (trimLeftSpace(processed) === '') {
      emptyContinuation = true;
      continue;
    }
    const part = trimContinuation(state, processed);
    line += part.text;
    ends = part.ends;
  }
  return { line, emptyContinuation };
}

function emptyContinuationWarning(line: string, lineNo: number): ParseWarning {
  const position = { line: lineNo, column: 1 };
  return { message: `Empty continuation line found in: ${line}`, range: { start: position, end: position } };
}

function buildNode(state: ParseState, line: string, comments: string[], startLine: number, endLine: number): AstNode {
  let node: AstNode;
  try {
    node = nodeFromLine(line, state.escape, comments);
  } catch (error) {
    if (error instanceof LineSyntaxError) throw syntaxError(state, error.message, startLine, endLine, line);
    throw error;
  }
  node.startLine = startLine;
  if (node.trigger) node.trigger.startLine = startLine;
  return node;
}

function canContainHeredoc(node: AstNode): boolean {
  const target = node.keyword.toLowerCase() === 'onbuild' && node.trigger ? node.trigger : node;
  return HEREDOC_KEYWORDS.has(target.keyword.toLowerCase()) && !target.json;
}

function readHeredocs(state: ParseState, reader: LineReader, node: AstNode, line: string): void {
  let heredocs: AstHeredoc[];
  try {
    heredocs = heredocsFromLine(line);
  } catch (error) {
    if (error instanceof HeredocSyntaxError) throw syntaxError(state, error.message, node.startLine, reader.index, line);
    throw error;
  }
  for (const heredoc of heredocs) {
    let terminated = false;
    for (let raw = reader.next(); raw !== undefined; raw = reader.next()) {
      let candidate = trimNewline(raw);
      if (heredoc.chomp) candidate = candidate.replace(/^\t+/, '');
      if (candidate === heredoc.name) {
        terminated = true;
        break;
      }
      heredoc.content += raw;
    }
    if (!terminated) throw syntaxError(state, 'unterminated heredoc', node.startLine, reader.index, line);
    node.heredocs.push(heredoc);
  }
}

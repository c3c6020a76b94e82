// BuildKit's per-instruction argument parsers (line_parsers.go): each turns the text after
// the keyword and flags into the node's argument list, picked from one dispatch table.

import { extractBuilderFlags, parseWords } from './ast-words.js';
import type { AstHeredoc } from './heredoc.js';
import { WHITESPACE_RUN, isSpace, splitOnceOnWhitespace, trimLeftSpace, trimSpace } from './go-text.js';

/** BuildKit's parser.Node for one instruction (the `Next` chain flattened into `args`). */
export interface AstNode {
  /** The keyword as written (`run`, `RUN`, `FROOM`). */
  keyword: string;
  flags: string[];
  /** Argument values; ENV/LABEL give key, value, separator triples. */
  args: string[];
  /** ONBUILD's trigger instruction. */
  trigger?: AstNode;
  /** True when the arguments came from a JSON array (exec form). */
  json: boolean;
  /** The instruction line, continuations joined. */
  original: string;
  startLine: number;
  endLine: number;
  /** Column (1-based) of the keyword on its first line. */
  startColumn: number;
  /** Column (1-based) just past the end of the last line. */
  endColumn: number;
  heredocs: AstHeredoc[];
  /** Comment lines right above the instruction (`#` removed, trimmed). */
  comments: string[];
}

/** An error in one instruction line; the AST parser adds the location. */
export class LineSyntaxError extends Error {}

type Parsed = { args: string[]; json?: boolean; trigger?: AstNode };
type LineParser = (rest: string, escapeToken: string) => Parsed;

const NOT_STRING_ARRAY = 'when using JSON array syntax, arrays must be comprised of strings only';

/** parseJSON: the string array, undefined when `rest` is not valid JSON; throws when not all strings. */
export function parseJsonArray(rest: string): string[] | undefined {
  const text = trimLeftSpace(rest);
  if (!text.startsWith('[')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  if (!parsed.every((item): item is string => typeof item === 'string')) throw new LineSyntaxError(NOT_STRING_ARRAY);
  return parsed;
}

const whitespaceDelimited: LineParser = (rest) => ({ args: rest === '' ? [] : rest.split(WHITESPACE_RUN) });
const wholeString: LineParser = (rest) => ({ args: rest === '' ? [] : [rest] });

const maybeJson: LineParser = (rest) => {
  if (rest === '') return { args: [] };
  const array = parseJsonArray(rest);
  return array ? { args: array, json: true } : { args: [rest] };
};

const maybeJsonToList: LineParser = (rest, escape) => {
  const array = parseJsonArray(rest);
  return array ? { args: array, json: true } : whitespaceDelimited(rest, escape);
};

function nameValue(keyword: string): LineParser {
  return (rest, escape) => {
    const words = parseWords(rest, escape);
    if (words.length === 0) return { args: [] };
    if (!words[0].includes('=')) {
      const parts = splitOnceOnWhitespace(rest);
      if (parts.length < 2) throw new LineSyntaxError(`${keyword} must have two arguments`);
      return { args: [parts[0], parts[1], ''] };
    }
    const args: string[] = [];
    for (const word of words) {
      const eq = word.indexOf('=');
      if (eq < 0) {
        throw new LineSyntaxError(`Syntax error - can't find = in "${word}". Must be of the form: name=value`);
      }
      args.push(word.slice(0, eq), word.slice(eq + 1), '=');
    }
    return { args };
  };
}

const nameOrNameValue: LineParser = (rest, escape) => ({ args: parseWords(rest, escape) });

const healthConfig: LineParser = (rest, escape) => {
  let sep = 0;
  while (sep < rest.length && !isSpace(rest[sep])) sep++;
  let next = sep;
  while (next < rest.length && isSpace(rest[next])) next++;
  if (sep === 0) return { args: [] };
  const command = maybeJson(rest.slice(next), escape);
  return { args: [rest.slice(0, sep), ...command.args], json: command.json };
};

const subCommand: LineParser = (rest, escape) => {
  if (rest === '') return { args: [] };
  return { args: [], trigger: nodeFromLine(rest, escape, []) };
};

const DISPATCH: Record<string, LineParser> = {
  add: maybeJsonToList,
  arg: nameOrNameValue,
  cmd: maybeJson,
  copy: maybeJsonToList,
  entrypoint: maybeJson,
  env: nameValue('ENV'),
  expose: whitespaceDelimited,
  from: whitespaceDelimited,
  healthcheck: healthConfig,
  label: nameValue('LABEL'),
  maintainer: wholeString,
  onbuild: subCommand,
  run: maybeJson,
  shell: maybeJson,
  stopsignal: wholeString,
  user: wholeString,
  volume: maybeJsonToList,
  workdir: wholeString,
};

/** newNodeFromLine: keyword, flags and arguments of one joined instruction line. */
export function nodeFromLine(line: string, escapeToken: string, comments: string[]): AstNode {
  const [keyword, afterKeyword] = splitOnceOnWhitespace(trimSpace(line));
  const { flags, rest } = afterKeyword === undefined ? { flags: [], rest: '' } : extractBuilderFlags(afterKeyword);
  const parse = DISPATCH[keyword.toLowerCase()];
  // Unknown keywords parse (with one empty argument, like BuildKit's parseIgnore) and fail later.
  const parsed = parse ? parse(trimSpace(rest), escapeToken) : { args: [''] };
  return {
    keyword,
    flags,
    args: parsed.args,
    trigger: parsed.trigger,
    json: parsed.json ?? false,
    original: line,
    startLine: 0,
    endLine: 0,
    startColumn: 1,
    endColumn: 1,
    heredocs: [],
    comments,
  };
}

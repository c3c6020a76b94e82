// The subset of Go's text/template that docker users pass to `--format`: `{{.Field}}`, nested
// fields, `{{json .}}`, `{{join .List ","}}`, `upper`/`lower`/`title`, pipelines (`{{.X | json}}`),
// `{{range}}`/`{{if}}`/`{{else}}`/`{{end}}`. Values print as Go prints them (`[a b]`, `map[k:v]`);
// an unknown field is an error, as in docker.
import { TsbuildError } from '../../errors.js';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipeline: Command[] }
  | { kind: 'range' | 'if'; pipeline: Command[]; body: Node[]; otherwise: Node[] };

/** One command of a pipeline: a function with arguments, or a single value (a field chain, a literal). */
interface Command {
  name?: string;
  args: Argument[];
}

type Argument = { kind: 'field'; path: string[] } | { kind: 'literal'; value: unknown };

export interface TemplateOptions {
  /**
   * What the data stands for in messages: docker's listings run templates on structs (an unknown
   * field "can't evaluate"), inspect on the JSON as a map ("map has no entry"); both are errors.
   */
  data: 'struct' | 'map';
}

export interface Template {
  execute(data: unknown): string;
}

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  json: (value) => goJson(value),
  join: (list, separator) => (Array.isArray(list) ? list.map(goPrint).join(String(separator ?? '')) : goPrint(list)),
  upper: (value) => goPrint(value).toUpperCase(),
  lower: (value) => goPrint(value).toLowerCase(),
  title: (value) => goPrint(value).replace(/(^|\s)(\S)/g, (_, space: string, first: string) => space + first.toUpperCase()),
  println: (...values) => `${values.map(goPrint).join(' ')}\n`,
  len: (value) => (Array.isArray(value) || typeof value === 'string' ? value.length : Object.keys(value ?? {}).length),
};

export function parseTemplate(source: string, options: TemplateOptions): Template {
  const tokens = tokenize(source);
  let position = 0;
  const parseList = (closers: string[]): { nodes: Node[]; closer?: string } => {
    const nodes: Node[] = [];
    while (position < tokens.length) {
      const token = tokens[position++]!;
      if (token.kind === 'text') {
        nodes.push({ kind: 'text', text: token.text });
        continue;
      }
      const [keyword] = token.text.split(/\s+/, 1);
      if (keyword === 'end' || keyword === 'else') {
        if (!closers.includes(keyword)) throw formatError(source, `unexpected {{${keyword}}}`);
        return { nodes, closer: keyword };
      }
      if (keyword === 'range' || keyword === 'if') {
        const pipeline = parsePipeline(token.text.slice(keyword.length), source);
        const body = parseList(['end', 'else']);
        const otherwise = body.closer === 'else' ? parseList(['end']) : { nodes: [], closer: 'end' };
        if (otherwise.closer !== 'end') throw formatError(source, `{{${keyword}}} without {{end}}`);
        nodes.push({ kind: keyword, pipeline, body: body.nodes, otherwise: otherwise.nodes });
        continue;
      }
      if (['with', 'define', 'template', 'block'].includes(keyword!)) throw formatError(source, `{{${keyword}}} is not supported`);
      nodes.push({ kind: 'action', pipeline: parsePipeline(token.text, source) });
    }
    if (closers.length > 0) throw formatError(source, 'missing {{end}}');
    return { nodes };
  };
  const tree = parseList([]).nodes;
  return { execute: (data) => run(tree, data, data, options, source) };
}

function tokenize(source: string): ({ kind: 'text'; text: string } | { kind: 'action'; text: string })[] {
  const tokens: ({ kind: 'text'; text: string } | { kind: 'action'; text: string })[] = [];
  let rest = source;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      tokens.push({ kind: 'text', text: rest });
      break;
    }
    let text = rest.slice(0, open);
    const close = rest.indexOf('}}', open);
    if (close < 0) throw formatError(source, 'unclosed action (missing "}}")');
    let inner = rest.slice(open + 2, close);
    rest = rest.slice(close + 2);
    // `{{- ` and ` -}}` trim the white space next to them, as in Go.
    if (inner.startsWith('- ')) {
      text = text.trimEnd();
      inner = inner.slice(2);
    }
    if (inner.endsWith(' -')) {
      inner = inner.slice(0, -2);
      rest = rest.trimStart();
    }
    if (text) tokens.push({ kind: 'text', text });
    tokens.push({ kind: 'action', text: inner.trim() });
  }
  return tokens;
}

function parsePipeline(text: string, source: string): Command[] {
  const commands = splitOutsideQuotes(text, '|').map((part) => parseCommand(part.trim(), source));
  if (commands.length === 0 || commands.some((c) => !c.name && c.args.length !== 1)) throw formatError(source, `cannot read {{${text.trim()}}}`);
  return commands;
}

function parseCommand(text: string, source: string): Command {
  const words = [...text.matchAll(/"(?:[^"\\]|\\.)*"|`[^`]*`|\S+/g)].map((m) => m[0]);
  if (words.length === 0) throw formatError(source, 'empty action {{}}');
  const [first, ...rest] = words;
  if (first!.startsWith('.') || /^["`\d-]/.test(first!) || first === 'true' || first === 'false') {
    if (rest.length > 0) throw formatError(source, `cannot read {{${text}}}: ${first} is not a function`);
    return { args: [parseArgument(first!, source)] };
  }
  if (!(first! in FUNCTIONS)) {
    throw formatError(source, `function "${first}" is not supported (supported: ${Object.keys(FUNCTIONS).join(', ')})`);
  }
  return { name: first, args: rest.map((word) => parseArgument(word, source)) };
}

function parseArgument(word: string, source: string): Argument {
  if (word === '.') return { kind: 'field', path: [] };
  if (word.startsWith('.')) return { kind: 'field', path: word.slice(1).split('.') };
  if (word.startsWith('"')) return { kind: 'literal', value: quotedString(word, source) };
  if (word.startsWith('`')) return { kind: 'literal', value: word.slice(1, -1) };
  if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true' };
  if (/^-?\d+(\.\d+)?$/.test(word)) return { kind: 'literal', value: Number(word) };
  throw formatError(source, `cannot read "${word}"`);
}

/**
 * A Go "quoted" string: JSON's escapes are Go's common ones, and raw control characters (the tab
 * docker's `\t` becomes before parsing) stand for themselves; anything else is a format error.
 */
function quotedString(word: string, source: string): string {
  try {
    const escaped = [...word].map((c) => (c < ' ' ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('');
    const value: unknown = JSON.parse(escaped);
    if (typeof value === 'string') return value;
  } catch {
    // reported below
  }
  throw formatError(source, `cannot read the string ${word}`);
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === '`') {
      quote = char;
    } else if (char === separator) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

function run(nodes: Node[], dot: unknown, root: unknown, options: TemplateOptions, source: string): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') {
      out += node.text;
    } else if (node.kind === 'action') {
      out += goPrint(evaluate(node.pipeline, dot, options, source));
    } else {
      const value = evaluate(node.pipeline, dot, options, source);
      if (node.kind === 'if') {
        out += run(truthy(value) ? node.body : node.otherwise, dot, root, options, source);
        continue;
      }
      const items = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.keys(value).sort().map((k) => (value as Record<string, unknown>)[k]) : [];
      out += items.length === 0 ? run(node.otherwise, dot, root, options, source) : items.map((item) => run(node.body, item, root, options, source)).join('');
    }
  }
  return out;
}

function evaluate(pipeline: Command[], dot: unknown, options: TemplateOptions, source: string): unknown {
  let previous: unknown[] = [];
  for (const command of pipeline) {
    const args = command.args.map((arg) => (arg.kind === 'literal' ? arg.value : field(dot, arg.path, options, source)));
    const value = command.name ? FUNCTIONS[command.name]!(...args, ...previous) : args[0];
    previous = [value];
  }
  return previous[0];
}

function field(dot: unknown, path: string[], options: TemplateOptions, source: string): unknown {
  let value = dot;
  for (const name of path) {
    if (value === null || value === undefined) return value;
    if (typeof value !== 'object' || Array.isArray(value) || !(name in value)) {
      throw formatError(source, options.data === 'map' && typeof value === 'object' ? `map has no entry for key "${name}"` : `can't evaluate field ${name}`);
    }
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** A value as Go's fmt `%v` prints the JSON-shaped values docker's formatters give it. */
export function goPrint(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(goPrint).join(' ')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `map[${Object.keys(record).sort().map((key) => `${key}:${goPrint(record[key])}`).join(' ')}]`;
  }
  return String(value);
}

/**
 * Go's encoding/json of the decoded JSON docker's templates run on: map keys sorted, `<`, `>` and
 * `&` escaped.
 */
export function goJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (v === undefined) return null;
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sorted(value)).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

function formatError(source: string, message: string): TsbuildError {
  return new TsbuildError('USAGE', `--format ${JSON.stringify(source)}: ${message}`);
}

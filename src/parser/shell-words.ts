// Variable expansion with Docker's shell-word rules (BuildKit's frontend/dockerfile/shell lexer):
// quote removal, escapes, `$a`/`${a}` and the `${a:-b}`-style modifiers. Pure: no I/O.
import { TsbuildError } from '../errors.js';
import { ShellWordLexer } from './shell-words-lexer.js';
import type { EscapeToken, LexedWord, RawLexing, VariableLookup } from './shell-words-lexer.js';

export type { EscapeToken, VariableLookup } from './shell-words-lexer.js';
export { MAX_EXPANDED_WORD } from './shell-words-lexer.js';

export interface ExpandOptions extends RawLexing {
  /** The Dockerfile's escape character (`# escape=`); default `\`. */
  escape?: EscapeToken;
}

export interface ExpansionResult {
  value: string;
  /** Variable names that were referenced and set. */
  matched: Set<string>;
  /** Variable names that were referenced and unset. */
  unmatched: Set<string>;
}

/** Expands one word (quotes removed, escapes processed), like BuildKit's ProcessWord. */
export function expandWord(word: string, lookup: VariableLookup, options?: ExpandOptions): string {
  return lexWord(word, lookup, options).lexed.value;
}

/** Expands and splits into words on unquoted whitespace, like BuildKit's ProcessWords. */
export function expandWords(word: string, lookup: VariableLookup, options?: ExpandOptions): string[] {
  return lexWord(word, lookup, options).lexed.words;
}

/**
 * Like expandWord but reports which variable names were used set (matched) and unset
 * (unmatched), like ProcessWordWithMatches; needed for the UndefinedVar build check.
 */
export function expandWordWithMatches(
  word: string,
  lookup: VariableLookup,
  options?: ExpandOptions,
): ExpansionResult {
  const { lexed, lexer } = lexWord(word, lookup, options);
  return { value: lexed.value, matched: lexer.matched, unmatched: lexer.unmatched };
}

/**
 * Builds a lookup from a `KEY=VALUE` list (an entry without `=` is set to ""; the last of
 * repeated keys wins, like BuildKit's BuildEnvs), a record or a map. Names are case-sensitive.
 */
export function lookupFrom(
  env: Iterable<string> | Record<string, string> | ReadonlyMap<string, string>,
): VariableLookup {
  const variables = toMap(env);
  return (name) => variables.get(name);
}

function toMap(
  env: Iterable<string> | Record<string, string> | ReadonlyMap<string, string>,
): ReadonlyMap<string, string> {
  if (env instanceof Map) return new Map(env as ReadonlyMap<string, string>);
  if (typeof env === 'string') throw new TypeError('lookupFrom expects a list of KEY=VALUE strings, not a string');
  if (!isIterable(env)) return new Map(Object.entries(env));
  const variables = new Map<string, string>();
  for (const entry of env) {
    const separator = entry.indexOf('=');
    if (separator < 0) variables.set(entry, '');
    else variables.set(entry.slice(0, separator), entry.slice(separator + 1));
  }
  return variables;
}

function isIterable(value: object): value is Iterable<string> {
  return typeof (value as Partial<Iterable<string>>)[Symbol.iterator] === 'function';
}

function lexWord(
  word: string,
  lookup: VariableLookup,
  options: ExpandOptions | undefined,
): { lexed: LexedWord; lexer: ShellWordLexer } {
  const lexer = new ShellWordLexer(word, lookup, options?.escape ?? '\\', options);
  try {
    return { lexed: lexer.lex(undefined, false), lexer };
  } catch (error) {
    if (!(error instanceof TsbuildError)) throw error;
    throw new TsbuildError('DOCKERFILE_SYNTAX', `failed to process ${JSON.stringify(word)}: ${error.message}`, {
      cause: error,
    });
  }
}

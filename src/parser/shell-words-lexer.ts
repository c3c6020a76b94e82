// The shell-word lexer: one pass over a word that removes quotes, processes escapes and expands
// `$name` / `${name…}`, following BuildKit's frontend/dockerfile/shell shellWord step for step.
import { TsbuildError } from '../errors.js';
import { applyModifier, shellSyntaxError, unsupportedModifier } from './shell-words-modifiers.js';
import { ShellPatternError, replaceAllMatches, replaceFirstMatch } from './shell-words-pattern.js';
import { RuneScanner, WordAccumulator, isGoDigit, isGoLetter } from './shell-words-scanner.js';

export type EscapeToken = '\\' | '`';
/** Looks a variable up; undefined = unset. */
export type VariableLookup = (name: string) => string | undefined;

/** POSIX special parameters: always a one-character name. */
const SPECIAL_PARAMETERS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);
const MODIFIER_SIGNS = new Set(['+', '-', '?', '#', '%']);
const MISSING_BRACE = "syntax error: missing '}'";

/**
 * The longest word an expansion may make. BuildKit sets none; without one, 22 lines of
 * `ARG A=${A}${A}` take seconds and gigabytes. 1 MiB is far above any real value.
 */
export const MAX_EXPANDED_WORD = 1 << 20;

/** BuildKit's Lex.RawQuotes and Lex.SkipUnsetEnv, which name RUN steps for progress output. */
export interface RawLexing {
  /** Quotes stay in the output as written. */
  rawQuotes?: boolean;
  /** A reference to an unset variable stays as written (`$X`, `${X}`, `${X:-d}`). */
  skipUnset?: boolean;
}

export interface LexedWord {
  value: string;
  words: string[];
}

export class ShellWordLexer {
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();
  private readonly scanner: RuneScanner;
  /** Keep escape characters in the output (pattern and replacement words need them). */
  private rawEscapes = false;

  constructor(
    source: string,
    private readonly lookup: VariableLookup,
    private readonly escape: EscapeToken,
    private readonly raw: RawLexing = {},
  ) {
    this.scanner = new RuneScanner(source);
  }

  /** Lexes the whole source; a stop character of undefined means "until the end". */
  lex(stop: string | undefined, rawEscapes: boolean): LexedWord {
    const previous = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      return this.lexUntil(stop);
    } finally {
      this.rawEscapes = previous;
    }
  }

  private lexUntil(stop: string | undefined): LexedWord {
    const words = new WordAccumulator();
    let value = '';
    for (let ch = this.scanner.peek(); ch !== undefined; ch = this.scanner.peek()) {
      if (ch === stop) {
        this.scanner.next();
        return { value, words: words.finish() };
      }
      if (ch === '$' || ch === "'" || ch === '"') {
        const expanded = ch === '$' ? this.dollar() : ch === "'" ? this.singleQuoted() : this.doubleQuoted();
        value = bounded(value + expanded);
        if (ch === '$') words.addString(expanded);
        else words.addRawString(expanded);
        continue;
      }
      this.scanner.next();
      if (ch !== this.escape) {
        words.addChar(ch);
        value += ch;
        continue;
      }
      if (this.rawEscapes) {
        words.addRawChar(ch);
        value += ch;
      }
      // An escape character at the very end escapes nothing and disappears.
      const escaped = this.scanner.next();
      if (escaped === undefined) break;
      words.addRawChar(escaped);
      value += escaped;
    }
    if (stop !== undefined) {
      throw shellSyntaxError(`unexpected end of statement while looking for matching ${stop}`);
    }
    return { value, words: words.finish() };
  }

  /** Single quotes: everything literal up to the next `'`; nothing escapes it. */
  private singleQuoted(): string {
    this.scanner.next();
    let value = '';
    for (;;) {
      const ch = this.scanner.next();
      if (ch === undefined) {
        throw shellSyntaxError('unexpected end of statement while looking for matching single-quote');
      }
      if (ch === "'") return this.quoted("'", value);
      value += ch;
    }
  }

  private quoted(quote: string, value: string): string {
    return this.raw.rawQuotes ? `${quote}${value}${quote}` : value;
  }

  /** Double quotes: `$` expands; the escape character only escapes `"`, `$` and itself. */
  private doubleQuoted(): string {
    this.scanner.next();
    let value = '';
    for (let next = this.scanner.peek(); next !== '"'; next = this.scanner.peek()) {
      if (next === undefined) {
        throw shellSyntaxError('unexpected end of statement while looking for matching double-quote');
      }
      if (next === '$') {
        value = bounded(value + this.dollar());
        continue;
      }
      let ch = this.scanner.next() as string;
      if (ch === this.escape) {
        if (this.rawEscapes) value += ch;
        const after = this.scanner.peek();
        if (after === undefined) continue;
        if (after === '"' || after === '$' || after === this.escape) ch = this.scanner.next() as string;
      }
      value += ch;
    }
    this.scanner.next();
    return this.quoted('"', value);
  }

  /** `$name`, `${name}` and `${name<modifier>…}`. */
  private dollar(): string {
    this.scanner.next();
    if (this.scanner.peek() !== '{') {
      const name = this.name();
      if (name === '') return '$';
      return this.variable(name) ?? (this.raw.skipUnset ? `$${name}` : '');
    }
    this.scanner.next();
    const first = this.scanner.peek();
    if (first === undefined) throw shellSyntaxError(MISSING_BRACE);
    if (first === '{' || first === '}' || first === ':') throw shellSyntaxError('syntax error: bad substitution');
    const name = this.name();
    const sign = this.scanner.next();
    if (sign === '}') return this.variable(name) ?? (this.raw.skipUnset ? `\${${name}}` : '');
    if (sign === '/') return this.substitution(name);
    if (sign === ':') return this.modified(name, `:${this.scanner.next() ?? ''}`);
    if (sign !== undefined && MODIFIER_SIGNS.has(sign)) return this.modified(name, sign);
    throw sign === undefined ? shellSyntaxError(MISSING_BRACE) : unsupportedModifier(sign);
  }

  private modified(name: string, operator: string): string {
    const patternWord = operator.endsWith('#') || operator.endsWith('%');
    // Rejected before the word is read, so this error wins over any inside the word.
    if (patternWord && operator.startsWith(':')) throw unsupportedModifier(operator);
    const word = this.nestedWord('}', patternWord, MISSING_BRACE);
    const value = this.variable(name);
    if (value === undefined && this.raw.skipUnset) return `\${${name}${operator}${word}}`;
    return applyModifier({ name, operator, word, value });
  }

  /** `${name/pattern/replacement}` and `${name//pattern/replacement}`. */
  private substitution(name: string): string {
    const replaceAll = this.scanner.peek() === '/';
    if (replaceAll) this.scanner.next();
    const pattern = this.nestedWord('/', true, "syntax error: missing '/' in ${}");
    const replacement = this.nestedWord('}', true, MISSING_BRACE);
    const set = this.variable(name);
    // BuildKit writes the kept reference with one `/`, `${X//a/b}` included.
    if (set === undefined && this.raw.skipUnset) return `\${${name}/${pattern}/${replacement}}`;
    const value = set ?? '';
    try {
      return replaceAll
        ? bounded(replaceAllMatches(value, pattern, replacement, MAX_EXPANDED_WORD))
        : bounded(replaceFirstMatch(value, pattern, replacement));
    } catch (error) {
      if (!(error instanceof ShellPatternError)) throw error;
      throw shellSyntaxError(`invalid pattern (${pattern}) in substitution: ${error.message}`, error);
    }
  }

  /** The word inside `${…}`; running off the end is reported as the missing delimiter. */
  private nestedWord(stop: string, rawEscapes: boolean, missingMessage: string): string {
    try {
      return this.lex(stop, rawEscapes).value;
    } catch (error) {
      if (error instanceof TsbuildError && this.scanner.peek() === undefined) {
        throw shellSyntaxError(missingMessage, error);
      }
      throw error;
    }
  }

  /** A variable name: letters/digits/`_`, a run of digits (positional), or one special character. */
  private name(): string {
    let name = '';
    for (let ch = this.scanner.peek(); ch !== undefined; ch = this.scanner.peek()) {
      if (name === '' && isGoDigit(ch)) return this.digits();
      if (name === '' && SPECIAL_PARAMETERS.has(ch)) return this.scanner.next() as string;
      if (!isGoLetter(ch) && !isGoDigit(ch) && ch !== '_') break;
      name += this.scanner.next() as string;
    }
    return name;
  }

  private digits(): string {
    let digits = '';
    for (let ch = this.scanner.peek(); ch !== undefined && isGoDigit(ch); ch = this.scanner.peek()) {
      digits += this.scanner.next() as string;
    }
    return digits;
  }

  private variable(name: string): string | undefined {
    const value = this.lookup(name);
    (value === undefined ? this.unmatched : this.matched).add(name);
    return value;
  }
}

function bounded(value: string): string {
  if (value.length <= MAX_EXPANDED_WORD) return value;
  throw shellSyntaxError(`the expanded word is larger than 1 MiB (${value.length} characters or more)`);
}

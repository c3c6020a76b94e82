// What `${name<operator>word}` evaluates to once the word is expanded, per BuildKit's
// processDollar: `-`, `+`, `?` (and their `:` forms, where empty counts as unset), `#`, `##`,
// `%`, `%%`.
import { TsbuildError } from '../errors.js';
import { ShellPatternError, trimPatternPrefix, trimPatternSuffix } from './shell-words-pattern.js';

export interface ModifierApplication {
  name: string;
  /** The operator as written, e.g. `:-`, `+`, `#`. */
  operator: string;
  /** The expanded word after the operator (for `##`/`%%` it still starts with the second sign). */
  word: string;
  /** The variable's value; undefined when unset. */
  value: string | undefined;
}

export function shellSyntaxError(message: string, cause?: unknown): TsbuildError {
  return new TsbuildError('DOCKERFILE_SYNTAX', message, { cause });
}

export function unsupportedModifier(operator: string): TsbuildError {
  return shellSyntaxError(`unsupported modifier (${operator}) in substitution`);
}

export function applyModifier({ name, operator, word, value }: ModifierApplication): string {
  const nullIsUnset = operator.startsWith(':');
  const sign = nullIsUnset ? operator.slice(1) : operator;
  const treatedAsUnset = value === undefined || (nullIsUnset && value === '');
  switch (sign) {
    case '-':
      return treatedAsUnset ? word : (value as string);
    case '+':
      return treatedAsUnset ? '' : word;
    case '?':
      return requireValue(name, value, nullIsUnset, word);
    case '#':
    case '%':
      if (nullIsUnset) throw unsupportedModifier(operator);
      return trimByPattern(sign, word, value ?? '');
    default:
      throw unsupportedModifier(operator);
  }
}

function requireValue(name: string, value: string | undefined, nullIsUnset: boolean, word: string): string {
  if (value === undefined) {
    throw shellSyntaxError(`${name}: ${word === '' ? 'is not allowed to be unset' : word}`);
  }
  if (nullIsUnset && value === '') {
    throw shellSyntaxError(`${name}: ${word === '' ? 'is not allowed to be empty' : word}`);
  }
  return value;
}

function trimByPattern(sign: '#' | '%', word: string, value: string): string {
  // A doubled sign (`##`, `%%`) asks for the longest match instead of the shortest.
  const greedy = word.startsWith(sign);
  const pattern = greedy ? word.slice(1) : word;
  try {
    return sign === '%'
      ? trimPatternSuffix(pattern, value, greedy)
      : trimPatternPrefix(pattern, value, greedy);
  } catch (error) {
    if (!(error instanceof ShellPatternError)) throw error;
    throw shellSyntaxError(`invalid pattern (${pattern}) in substitution: ${error.message}`, error);
  }
}

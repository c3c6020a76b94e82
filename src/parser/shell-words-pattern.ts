// Shell wildcard patterns of `${a#p}`, `${a%p}`, `${a/p/r}`: converted to a RegExp the way
// BuildKit's convertShellPatternToRegex does (`*`, `?`, `\` escapes; `[` is literal), and
// applied with Go's regexp semantics (leftmost match, Go's ReplaceAllString template rules).
import { RuneScanner, isGoDigit, isGoLetter } from './shell-words-scanner.js';

/** A malformed pattern; the lexer turns it into a user-facing syntax error. */
export class ShellPatternError extends Error {}

const REGEX_SPECIALS = new Set(['[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$']);
// Go's `.` matches any code point but a newline; JS's would also skip \r, U+2028 and U+2029.
const ANY_RUNE = '[^\\n]';

function shellPatternToRegExp(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const scanner = new RuneScanner(pattern);
  let source = anchored ? '^' : '';
  for (let token = scanner.next(); token !== undefined; token = scanner.next()) {
    if (token === '*') {
      source += greedy ? `${ANY_RUNE}*` : `${ANY_RUNE}*?`;
    } else if (token === '?') {
      source += ANY_RUNE;
    } else if (token === '\\') {
      // `\}` and `\/` only protect the ${} syntax; the backslash is not part of the pattern.
      if (scanner.peek() === '}' || scanner.peek() === '/') continue;
      const escaped = scanner.next();
      if (escaped !== '*' && escaped !== '?' && escaped !== '\\') {
        throw new ShellPatternError(`invalid escape '\\${escaped ?? ''}'`);
      }
      source += `\\${escaped}`;
    } else {
      source += REGEX_SPECIALS.has(token) ? `\\${token}` : token;
    }
  }
  return new RegExp(source, 'u');
}

/** `${value#pattern}` / `${value##pattern}`. */
export function trimPatternPrefix(pattern: string, value: string, greedy: boolean): string {
  const match = shellPatternToRegExp(pattern, greedy, true).exec(value);
  return match ? value.slice(match.index + match[0].length) : value;
}

/** `${value%pattern}` / `${value%%pattern}`: a prefix trim on the reversed value and pattern. */
export function trimPatternSuffix(pattern: string, value: string, greedy: boolean): string {
  const reversed = trimPatternPrefix(reversePattern(pattern), reverseRunes(value), greedy);
  return reverseRunes(reversed);
}

/** `${value/pattern/replacement}`: the first match is replaced literally. */
export function replaceFirstMatch(value: string, pattern: string, replacement: string): string {
  const match = shellPatternToRegExp(pattern, true, false).exec(value);
  if (!match) return value;
  return value.slice(0, match.index) + replacement + value.slice(match.index + match[0].length);
}

/** `${value//pattern/replacement}`: Go's Regexp.ReplaceAllString, including `$0` templates. */
/** Stops early, returning what it has, once the output is longer than `maxLength` (the caller rejects it). */
export function replaceAllMatches(value: string, pattern: string, replacement: string, maxLength = Infinity): string {
  const regexp = new RegExp(shellPatternToRegExp(pattern, true, false).source, 'gu');
  let output = '';
  let lastMatchEnd = 0;
  let searchFrom = 0;
  while (searchFrom <= value.length) {
    regexp.lastIndex = searchFrom;
    const match = regexp.exec(value);
    if (!match) break;
    const start = match.index;
    const end = start + match[0].length;
    output += value.slice(lastMatchEnd, start);
    // Go skips an empty match right after the previous match.
    if (end > lastMatchEnd || start === 0) output += expandGoTemplate(replacement, match[0]);
    lastMatchEnd = end;
    if (output.length > maxLength) return output;
    const width = codePointWidth(value, searchFrom);
    searchFrom = searchFrom + width > end ? searchFrom + width : Math.max(searchFrom + 1, end);
  }
  return output + value.slice(lastMatchEnd);
}

function codePointWidth(text: string, index: number): number {
  const codePoint = text.codePointAt(index);
  if (codePoint === undefined) return 0;
  return codePoint > 0xffff ? 2 : 1;
}

/** Go's Regexp.Expand for a regexp without groups: `$$` is `$`, `$0`/`${0}` the match, other names empty. */
function expandGoTemplate(template: string, match: string): string {
  let output = '';
  let index = 0;
  while (index < template.length) {
    const dollar = template.indexOf('$', index);
    if (dollar < 0) return output + template.slice(index);
    output += template.slice(index, dollar);
    if (template[dollar + 1] === '$') {
      output += '$';
      index = dollar + 2;
      continue;
    }
    const reference = readTemplateName(template, dollar + 1);
    if (!reference) {
      output += '$';
      index = dollar + 1;
      continue;
    }
    if (reference.name === '0') output += match;
    index = reference.end;
  }
  return output;
}

function readTemplateName(template: string, start: number): { name: string; end: number } | undefined {
  const braced = template[start] === '{';
  let index = braced ? start + 1 : start;
  const nameStart = index;
  for (const ch of template.slice(nameStart)) {
    if (!isGoLetter(ch) && !isGoDigit(ch) && ch !== '_') break;
    index += ch.length;
  }
  if (index === nameStart) return undefined;
  const name = template.slice(nameStart, index);
  if (braced) {
    if (template[index] !== '}') return undefined;
    index += 1;
  }
  return { name, end: index };
}

/** Reverses a pattern but keeps each `\x` escape pair in order: `a\*c` becomes `c\*a`. */
function reversePattern(pattern: string): string {
  const runes = Array.from(pattern);
  const output: string[] = new Array<string>(runes.length);
  const last = runes.length - 1;
  for (let index = 0; index <= last; ) {
    const token = runes[index] as string;
    const target = last - index;
    if (token === '\\' && index !== last) {
      output[target - 1] = token;
      output[target] = runes[index + 1] as string;
      index += 2;
    } else {
      output[target] = token;
      index += 1;
    }
  }
  return output.join('');
}

function reverseRunes(text: string): string {
  return Array.from(text).reverse().join('');
}

// Go string semantics the BuildKit parser relies on: unicode.IsSpace, strings.TrimSpace,
// the `[\t\v\f\r ]+` separator and strconv.Quote (used by the AST dump).

const SPACE = /[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/u;
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/u;
const TRAILING_SPACE = /[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+$/u;

/** BuildKit's `reWhitespace`: the separator between words of an instruction. */
export const WHITESPACE_RUN = /[\t\v\f\r ]+/;

/** Go's unicode.IsSpace for one character. */
export function isSpace(ch: string): boolean {
  return SPACE.test(ch);
}

export function trimLeftSpace(s: string): string {
  return s.replace(LEADING_SPACE, '');
}

/** Go's strings.TrimSpace. */
export function trimSpace(s: string): string {
  return s.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
}

/** Go's `regexp.Split(s, 2)` with WHITESPACE_RUN: at most two parts. */
export function splitOnceOnWhitespace(s: string): string[] {
  const match = WHITESPACE_RUN.exec(s);
  if (!match) return [s];
  return [s.slice(0, match.index), s.slice(match.index + match[0].length)];
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const NAMED_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Go's strconv.Quote: printable runes kept, the rest escaped as Go does. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const named = NAMED_ESCAPES[ch];
    if (named !== undefined) out += named;
    else if (PRINTABLE.test(ch)) out += ch;
    else out += escapeRune(ch.codePointAt(0) ?? 0);
  }
  return `${out}"`;
}

function escapeRune(code: number): string {
  if (code >= 0xd800 && code <= 0xdfff) return '\\ufffd';
  if (code < 0x80) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

/** Length of `s` in UTF-8 bytes (BuildKit's line limit counts bytes). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

// Heredoc detection as BuildKit does it: split the instruction line into shell words, match
// `[fd]<<[-]WORD` against each, and tell quoted delimiters (no expansion) from bare ones.
// Variables are never expanded here: BuildKit runs this with an empty environment and
// SkipUnsetEnv, which keeps `$NAME` as written.

/** A heredoc as the AST carries it: content raw, un-chomped, exactly as BuildKit's parser.Heredoc. */
export interface AstHeredoc {
  name: string;
  fileDescriptor: number;
  expand: boolean;
  chomp: boolean;
  content: string;
}

export class HeredocSyntaxError extends Error {}

interface LexOptions {
  rawQuotes: boolean;
  rawEscapes: boolean;
}

const HEREDOC_WORD = /^(\d*)<<(-?)\s*([^<]*)$/;
const LEADING_TABS = /^\t+/gm;

/** Splits `line` into shell words (quotes and escapes per options); throws on unterminated quotes. */
function heredocWords(line: string, options: LexOptions): string[] {
  const chars = Array.from(line);
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === '\\') {
      if (i + 1 >= chars.length) continue;
      word += (options.rawEscapes ? ch : '') + chars[++i];
    } else if (ch === "'" || ch === '"') {
      const end = closingQuote(chars, i);
      const body = quotedBody(chars.slice(i + 1, end), ch, options);
      word += options.rawQuotes ? ch + body + ch : body;
      i = end;
    } else if (ch === '<' && chars[i + 1] === '<') {
      // BuildKit's lexer glues `<<` and the blanks after it to the following word
      // (`<<-` too, so `<<- EOF` opens a heredoc as it does in sh).
      let j = chars[i + 2] === '-' ? i + 3 : i + 2;
      while (chars[j] === ' ' || chars[j] === '\t') j++;
      word += chars.slice(i, j).join('');
      i = j - 1;
    } else {
      word += ch;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function closingQuote(chars: string[], open: number): number {
  const quote = chars[open];
  for (let j = open + 1; j < chars.length; j++) {
    if (chars[j] === quote) return j;
    if (quote === '"' && chars[j] === '\\') j++;
  }
  const kind = quote === "'" ? 'single' : 'double';
  throw new HeredocSyntaxError(`unexpected end of statement while looking for matching ${kind}-quote`);
}

function quotedBody(body: string[], quote: string, options: LexOptions): string {
  if (quote === "'") return body.join('');
  let out = '';
  for (let j = 0; j < body.length; j++) {
    const next = body[j + 1];
    if (body[j] === '\\' && (next === '"' || next === '$' || next === '\\')) {
      out += (options.rawEscapes ? '\\' : '') + next;
      j++;
    } else {
      out += body[j];
    }
  }
  return out;
}

function quoteCount(s: string): number {
  return (s.match(/['"]/g) ?? []).length;
}

/** BuildKit's ParseHeredoc: the heredoc `src` introduces, or undefined when it is not one. */
export function parseHeredocWord(src: string): AstHeredoc | undefined {
  const match = HEREDOC_WORD.exec(src);
  if (!match || match[3] === '') return undefined;
  const words = heredocWords(match[3], { rawQuotes: false, rawEscapes: false });
  if (words.length !== 1) return undefined;
  const raw = heredocWords(match[3], { rawQuotes: true, rawEscapes: false });
  if (raw.length !== words.length) {
    throw new HeredocSyntaxError(`internal lexing of heredoc produced inconsistent results: ${match[3]}`);
  }
  return {
    name: words[0],
    fileDescriptor: match[1] === '' ? 0 : Number(match[1]),
    expand: quoteCount(words[0]) === quoteCount(raw[0]),
    chomp: match[2] === '-',
    content: '',
  };
}

/** Every heredoc an instruction line opens, in order. */
export function heredocsFromLine(line: string): AstHeredoc[] {
  let words: string[];
  try {
    words = heredocWords(line, { rawQuotes: true, rawEscapes: true });
  } catch {
    return [];
  }
  const docs: AstHeredoc[] = [];
  for (const word of words) {
    const heredoc = parseHeredocWord(word);
    if (heredoc) docs.push(heredoc);
  }
  return docs;
}

/** Removes leading tabs from every line (`<<-`). */
export function chompHeredocContent(content: string): string {
  return content.replace(LEADING_TABS, '');
}

// Character-level building blocks of the shell-word lexer: a code-point scanner shaped like Go's
// text/scanner, Go's unicode classes, and BuildKit's word accumulator for ProcessWords.

/** Go's unicode.IsSpace: ASCII/Latin-1 blanks plus the Unicode White_Space property. */
const GO_SPACE_CLASS = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const GO_SPACE = new RegExp(`^${GO_SPACE_CLASS}$`, 'u');
const GO_SPACE_RUNS = new RegExp(`${GO_SPACE_CLASS}+`, 'u');
const GO_LETTER = /^\p{L}$/u;
const GO_DIGIT = /^\p{Nd}$/u;

function isGoSpace(ch: string): boolean {
  return GO_SPACE.test(ch);
}

export function isGoLetter(ch: string): boolean {
  return GO_LETTER.test(ch);
}

export function isGoDigit(ch: string): boolean {
  return GO_DIGIT.test(ch);
}

/** Reads a string one code point at a time; `undefined` plays the part of Go's scanner.EOF. */
export class RuneScanner {
  private readonly runes: string[];
  private position = 0;

  constructor(text: string) {
    this.runes = Array.from(text);
    // text/scanner drops a byte-order mark at the very start of its input.
    if (this.runes[0] === '\uFEFF') this.position = 1;
  }

  peek(): string | undefined {
    return this.runes[this.position];
  }

  next(): string | undefined {
    const ch = this.runes[this.position];
    if (ch !== undefined) this.position += 1;
    return ch;
  }
}

/**
 * Splits expansion output into words the way BuildKit's wordsStruct does: unquoted blanks
 * (literal or from a `$` expansion) separate words; quoted or escaped text never does, and a
 * quoted empty string alone does not make a word.
 */
export class WordAccumulator {
  private readonly words: string[] = [];
  private word = '';
  private inWord = false;

  addChar(ch: string): void {
    if (isGoSpace(ch)) this.endWord();
    else this.addRawChar(ch);
  }

  addRawChar(ch: string): void {
    this.addRawString(ch);
  }

  /** Like addChar for each character, in one pass per blank-separated part (values can be large). */
  addString(text: string): void {
    text.split(GO_SPACE_RUNS).forEach((part, index) => {
      if (index > 0) this.endWord();
      if (part !== '') this.addRawString(part);
    });
  }

  addRawString(text: string): void {
    this.word += text;
    this.inWord = true;
  }

  private endWord(): void {
    if (this.inWord && this.word.length > 0) {
      this.words.push(this.word);
      this.word = '';
      this.inWord = false;
    }
  }

  finish(): string[] {
    if (this.word.length > 0) {
      this.words.push(this.word);
      this.word = '';
      this.inWord = false;
    }
    return this.words;
  }
}

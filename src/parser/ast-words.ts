// Word-level scanners of the BuildKit parser: the leading `--flag` words of an instruction
// (extractBuilderFlags) and the quote-preserving word splitter used by ENV/LABEL/ARG
// (parseWords). Quotes and escapes stay in the words; expansion strips them later.

import { isSpace } from './go-text.js';

/** Splits leading `--flag` words off `line`; returns the flags (quotes removed) and the rest. */
export function extractBuilderFlags(line: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let pos = 0;
  while (true) {
    while (pos < line.length && isSpace(line[pos])) pos++;
    if (pos >= line.length) return { flags, rest: '' };
    if (line[pos] !== '-' || line[pos + 1] !== '-') return { flags, rest: line.slice(pos) };
    const scanned = scanFlagWord(line, pos);
    pos = scanned.end;
    if (scanned.word === '--') return { flags, rest: scanned.atEnd ? '' : line.slice(pos) };
    if (scanned.quoted || scanned.word.length > 0) flags.push(scanned.word);
    if (scanned.atEnd) return { flags, rest: '' };
  }
}

/** One flag word from `start`: quotes removed, backslash escapes applied. */
function scanFlagWord(line: string, start: number): { word: string; end: number; quoted: boolean; atEnd: boolean } {
  let word = '';
  let quote = '';
  let quoted = false;
  for (let pos = start; pos < line.length; pos++) {
    const ch = line[pos];
    if (!quote && isSpace(ch)) return { word, end: pos, quoted, atEnd: false };
    if (!quote && (ch === "'" || ch === '"')) {
      quote = ch;
      quoted = true;
    } else if (quote && ch === quote) {
      quote = '';
    } else if (ch === '\\') {
      if (pos + 1 < line.length) word += line[++pos];
    } else {
      word += ch;
    }
  }
  return { word, end: line.length, quoted, atEnd: true };
}

/** BuildKit's parseWords: whitespace-separated words, quotes and escape tokens kept. */
export function parseWords(rest: string, escapeToken: string): string[] {
  const chars = Array.from(rest);
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote = '';
  let blankOk = false;
  for (let pos = 0; pos < chars.length; pos++) {
    let ch = chars[pos];
    if (!inWord && !quote) {
      if (isSpace(ch)) continue;
      inWord = true;
    }
    if (quote) {
      if (ch === quote) quote = '';
      if (ch === escapeToken && quote !== "'") {
        if (pos + 1 === chars.length) continue;
        word += ch;
        ch = chars[++pos];
      }
      word += ch;
      continue;
    }
    if (isSpace(ch)) {
      if (blankOk || word.length > 0) words.push(word);
      word = '';
      blankOk = false;
      inWord = false;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      blankOk = true;
    }
    if (ch === escapeToken) {
      if (pos + 1 === chars.length) continue;
      word += ch;
      ch = chars[++pos];
    }
    word += ch;
  }
  if ((inWord || quote) && (blankOk || word.length > 0)) words.push(word);
  return words;
}

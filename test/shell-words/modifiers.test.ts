// `${name<modifier>word}`: defaults, alternatives, required values, pattern trims, substitutions.
import { describe, expect, test } from 'vitest';
import { expandWord, lookupFrom } from '../../src/parser/shell-words.js';

const env = lookupFrom({
  SET: 'value',
  EMPTY: '',
  FILE: 'archive.tar.gz',
  DIR: '/usr/local/bin',
  STARS: 'a**b*',
  BRACKETS: '[ab]x',
  PAT: '*.',
  DOLLAR: '$0',
  DD: '$$',
  ABBC: 'abbc',
  EMOJI: '😀b',
});

describe('default, alternative and required values', () => {
  test.each([
    ['${SET-d}', 'value'],
    ['${EMPTY-d}', ''],
    ['${UNSET-d}', 'd'],
    ['${SET:-d}', 'value'],
    ['${EMPTY:-d}', 'd'],
    ['${UNSET:-d}', 'd'],
    ['${SET+alt}', 'alt'],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${UNSET:+alt}', ''],
    ['${SET?msg}', 'value'],
    ['${EMPTY?msg}', ''],
    ['${SET:?msg}', 'value'],
    ['${UNSET:-$SET/${FILE}}', 'value/archive.tar.gz'],
    ['${UNSET:-${EMPTY:-${SET}}}', 'value'],
    ["${UNSET:-'a}b'}", 'a}b'],
    ['${UNSET:-"x $SET"}', 'x value'],
    ['${UNSET:-a\\}b}', 'a}b'],
    ['${UNSET:-}', ''],
    ['"${UNSET:-a b}"', 'a b'],
  ])('%s → %s', (word, expected) => {
    expect(expandWord(word, env)).toBe(expected);
  });
});

describe('required values fail with the name and message', () => {
  test.each([
    ['${UNSET?}', 'UNSET: is not allowed to be unset'],
    ['${UNSET:?}', 'UNSET: is not allowed to be unset'],
    ['${EMPTY:?}', 'EMPTY: is not allowed to be empty'],
    ['${UNSET?set it with --build-arg}', 'UNSET: set it with --build-arg'],
    ['${EMPTY:?need $SET}', 'EMPTY: need value'],
  ])('%s fails: %s', (word, message) => {
    expect(() => expandWord(word, env)).toThrowError(message);
  });
});

describe('pattern trims', () => {
  test.each([
    ['${FILE#*.}', 'tar.gz'],
    ['${FILE##*.}', 'gz'],
    ['${FILE%.*}', 'archive.tar'],
    ['${FILE%%.*}', 'archive'],
    ['${FILE#archive}', '.tar.gz'],
    ['${FILE#nomatch}', 'archive.tar.gz'],
    ['${FILE%.?z}', 'archive.tar'],
    ['${FILE#?}', 'rchive.tar.gz'],
    ['${DIR##*/}', 'bin'],
    ['${DIR%/*}', '/usr/local'],
    ['${STARS%%\\**}', 'a'],
    ['${STARS%\\*}', 'a**b'],
    ['${STARS#a\\*}', '*b*'],
    ['${BRACKETS#[ab]}', 'x'],
    ['${BRACKETS#[}', 'ab]x'],
    ['${FILE#$PAT}', 'tar.gz'],
    ["${FILE#'*'.}", 'tar.gz'],
    ['${UNSET#*}', ''],
    ['${FILE#}', 'archive.tar.gz'],
  ])('%s → %s', (word, expected) => {
    expect(expandWord(word, env)).toBe(expected);
  });
});

describe('substitutions', () => {
  test.each([
    ['${DIR/\\//:}', ':usr/local/bin'],
    ['${DIR//\\//:}', ':usr:local:bin'],
    ['${FILE/.*/}', 'archive'],
    ['${FILE//a/A}', 'Archive.tAr.gz'],
    ['${FILE/a/A}', 'Archive.tar.gz'],
    ['${FILE/?/X}', 'Xrchive.tar.gz'],
    ['${FILE/nomatch/X}', 'archive.tar.gz'],
    ['${FILE/tar/$SET}', 'archive.value.gz'],
    ['${FILE//r/<$DOLLAR>}', 'a<r>chive.ta<r>.gz'],
    ['${FILE/r/$DOLLAR}', 'a$0chive.tar.gz'],
    ['${FILE//a/$$}', 'rchive.tr.gz'],
    ['${FILE//a/$DD}', '$rchive.t$r.gz'],
    ['${FILE//a/$UNSET}', 'rchive.tr.gz'],
    ['${FILE//a/\\$SET}', '\\rchive.t\\r.gz'],
    ['${FILE//\\*/x}', 'archive.tar.gz'],
    ['${UNSET//a/b}', ''],
    ['${FILE///}', 'archive.tar.gz'],
    ['${ABBC//b*/X}', 'aX'],
    // Go's ReplaceAll skips the empty match right after a match (JS's String.replace gives XX).
    ['${ABBC//*/X}', 'X'],
    ['${EMOJI///-}', '-😀-b-'],
    ['${EMOJI/?/-}', '-b'],
  ])('%s → %s', (word, expected) => {
    expect(expandWord(word, env)).toBe(expected);
  });
});

describe('modifier errors', () => {
  test.each([
    ['${FILE:#x}', 'unsupported modifier (:#)'],
    ['${FILE:%%x}', 'unsupported modifier (:%)'],
    ['${FILE:#${UNSET?inner}}', 'unsupported modifier (:#)'],
    ['${FILE#\\x}', 'invalid pattern (\\x) in substitution'],
    ['${FILE/a}', "missing '/' in ${}"],
    ['${FILE/a/b', "missing '}'"],
    ['${FILE:-x', "missing '}'"],
    ['${FILE//}', "missing '/' in ${}"],
  ])('%s fails: %s', (word, message) => {
    expect(() => expandWord(word, env)).toThrowError(message);
  });
});

// expandWords (splitting after expansion), expandWordWithMatches (used/unset names) and lookupFrom.
import { describe, expect, test } from 'vitest';
import { expandWordWithMatches, expandWords, lookupFrom } from '../../src/parser/shell-words.js';

const env = lookupFrom(['SP=a  b', 'EDGE= x ', 'EMPTY=', 'ONE=one', 'TAB=p\tq']);

describe('splitting into words', () => {
  test.each<[string, string[]]>([
    ['a b', ['a', 'b']],
    ['  a   b  ', ['a', 'b']],
    ['$SP', ['a', 'b']],
    ['"$SP"', ['a  b']],
    ["'$SP'", ['$SP']],
    ['x${EDGE}y', ['x', 'x', 'y']],
    ['x"${EDGE}"y', ['x x y']],
    ['a\\ b', ['a b']],
    ['a\\\tb', ['a\tb']],
    ['$TAB', ['p', 'q']],
    ['a""b c', ['ab', 'c']],
    ['"" a', ['a']],
    ['$EMPTY', []],
    ['', []],
    ['${UNSET:-u v}', ['u', 'v']],
    ['"${UNSET:-u v}"', ['u v']],
    // Newer BuildKit shares one buffer between nested lexers and would drop "hello" here;
    // tsbuild keeps the shell (and older BuildKit) result.
    ['hello${UNSET:-x}bye', ['helloxbye']],
    ['a${UNSET:-x y}b', ['ax', 'yb']],
    ['a\u00a0b', ['a', 'b']],
    ['a\u3000b', ['a', 'b']],
  ])('%j → %j', (word, expected) => {
    expect(expandWords(word, env)).toEqual(expected);
  });

  test('uses the backtick escape token when asked', () => {
    expect(expandWords('a` b c\\ d', env, { escape: '`' })).toEqual(['a b', 'c\\', 'd']);
  });

  test('fails on an unterminated quote', () => {
    expect(() => expandWords('a "b', env)).toThrowError('matching double-quote');
  });
});

describe('matched and unmatched names', () => {
  test.each<[string, string, string[], string[]]>([
    ['$ONE $NOPE', 'one ', ['ONE'], ['NOPE']],
    ['${EMPTY:-$ONE}', 'one', ['EMPTY', 'ONE'], []],
    ['${NOPE:+$ONE}', '', ['ONE'], ['NOPE']],
    ["'$ONE'", '$ONE', [], []],
    ['\\$ONE', '$ONE', [], []],
    ['"$ONE"', 'one', ['ONE'], []],
    ['$1', '', [], ['1']],
    ['${ONE/o/$NOPE}', 'ne', ['ONE'], ['NOPE']],
  ])('%s', (word, value, matched, unmatched) => {
    const result = expandWordWithMatches(word, env);
    expect(result.value).toBe(value);
    expect([...result.matched].sort()).toEqual(matched);
    expect([...result.unmatched].sort()).toEqual(unmatched);
  });
});

describe('lookupFrom', () => {
  test.each<[string, Parameters<typeof lookupFrom>[0]]>([
    ['a KEY=VALUE list', ['K=v', 'OTHER=x']],
    ['a record', { K: 'v' }],
    ['a map', new Map([['K', 'v']])],
    ['a set of KEY=VALUE strings', new Set(['K=v'])],
  ])('reads %s', (_label, source) => {
    const lookup = lookupFrom(source);
    expect(lookup('K')).toBe('v');
    expect(lookup('k')).toBeUndefined();
    expect(lookup('MISSING')).toBeUndefined();
  });

  test('list entries: last repeat wins, no `=` means empty, value keeps later `=`', () => {
    const lookup = lookupFrom(['A=1', 'A=2', 'BARE', 'EQ=x=y', 'E=']);
    expect([lookup('A'), lookup('BARE'), lookup('EQ'), lookup('E')]).toEqual(['2', '', 'x=y', '']);
  });

  test('does not see inherited object properties', () => {
    expect(lookupFrom({})('toString')).toBeUndefined();
  });
});

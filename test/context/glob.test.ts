// Go's filepath.Match and Clean, checked against Go's own test tables (path/filepath match_test.go).
import { describe, expect, test } from 'vitest';
import { BadPatternError, goClean, goMatch } from '../../src/context/dockerignore-glob.js';

const BAD = 'bad pattern';

describe('goMatch', () => {
  test.each([
    ['abc', 'abc', true], ['*', 'abc', true], ['*c', 'abc', true], ['a*', 'a', true], ['a*', 'abc', true],
    ['a*', 'ab/c', false], ['a*/b', 'abc/b', true], ['a*/b', 'a/c/b', false],
    ['a*b*c*d*e*/f', 'axbxcxdxe/f', true], ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false], ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true], ['a*b?c*x', 'abxbbxdbxebxczzy', false],
    ['ab[c]', 'abc', true], ['ab[b-d]', 'abc', true], ['ab[e-g]', 'abc', false], ['ab[^c]', 'abc', false],
    ['ab[^b-d]', 'abc', false], ['ab[^e-g]', 'abc', true], ['a\\*b', 'a*b', true], ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true], ['a[^a]b', 'a☺b', true], ['a???b', 'a☺b', false], ['a[^a][^a][^a]b', 'a☺b', false],
    ['[a-ζ]*', 'α', true], ['*[a-ζ]', 'A', false], ['a?b', 'a/b', false], ['a*b', 'a/b', false],
    ['[\\]a]', ']', true], ['[\\-]', '-', true], ['[x\\-]', 'x', true], ['[x\\-]', '-', true], ['[x\\-]', 'z', false],
    ['[\\-x]', 'x', true], ['[\\-x]', '-', true], ['[\\-x]', 'a', false],
    ['[]a]', ']', BAD], ['[-]', '-', BAD], ['[x-]', 'x', BAD], ['[x-]', '-', BAD], ['[x-]', 'z', BAD],
    ['[-x]', 'x', BAD], ['[-x]', '-', BAD], ['[-x]', 'a', BAD], ['\\', 'a', BAD], ['[a-b-c]', 'a', BAD],
    ['[', 'a', BAD], ['[^', 'a', BAD], ['[^bc', 'a', BAD], ['a[', 'a', BAD], ['a[', 'ab', BAD], ['a[', 'x', BAD],
    ['a/b[', 'x', BAD], ['*x', 'xxx', true],
  ])('Match(%j, %j) = %s', (pattern, name, expected) => {
    if (expected === BAD) expect(() => goMatch(pattern, name)).toThrow(BadPatternError);
    else expect(goMatch(pattern, name)).toBe(expected);
  });
});

describe('goClean', () => {
  test.each([
    ['', '.'], ['abc', 'abc'], ['abc/def/', 'abc/def'], ['a//b', 'a/b'], ['./abc', 'abc'], ['abc/./def', 'abc/def'],
    ['abc/../def', 'def'], ['../../abc', '../../abc'], ['/../abc', '/abc'], ['/', '/'], ['abc/..', '.'],
    ['abc/def/../../..', '..'], ['/abc/def/../../..', '/'], ['a/../../b', '../b'],
  ])('Clean(%j) = %j', (input, expected) => {
    expect(goClean(input)).toBe(expected);
  });
});

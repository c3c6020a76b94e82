// Table tests: list inputs split like docker/actions-toolkit's getInputList (csv-parse based).
import { describe, expect, it } from 'vitest';
import { parseInputList, type ListOptions } from '../../src/action/input-list.js';

const keepCommas: ListOptions = { ignoreComma: true };
const literalQuotes: ListOptions = { ignoreComma: true, quote: false };

describe('parseInputList', () => {
  it.each<[string, string, ListOptions, string[]]>([
    ['empty input', '', {}, []],
    ['one item', 'bar', {}, ['bar']],
    ['one per line', 'bar\nbaz', {}, ['bar', 'baz']],
    ['empty lines skipped', 'bar\n\nbaz', {}, ['bar', 'baz']],
    ['commas split', 'bar,baz', {}, ['bar', 'baz']],
    ['trailing comma', 'bar,baz,', {}, ['bar', 'baz']],
    ['CRLF lines', 'bar\r\nbaz', {}, ['bar', 'baz']],
    ['CRLF lines and commas', 'bar\r\nbaz,bat', {}, ['bar', 'baz', 'bat']],
    ['items trimmed', '  a , b\n c ', {}, ['a', 'b', 'c']],
    ['blank line dropped', 'a\n   \nb', {}, ['a', 'b']],
    ['quoted commas still split a one-field line', 'linux/amd64\n"linux/arm64,linux/arm/v7"', {}, ['linux/amd64', 'linux/arm64', 'linux/arm/v7']],
    ['quoted field among others stays whole', 'a,"b,c"', {}, ['a', 'b,c']],
    ['ignoreComma keeps lines whole', 'user/app:cache\ntype=local,src=path/to/dir', keepCommas, ['user/app:cache', 'type=local,src=path/to/dir']],
    ['ignoreComma with CRLF', 'user/app:cache\r\ntype=local,src=path/to/dir', keepCommas, ['user/app:cache', 'type=local,src=path/to/dir']],
    ['# is not a comment', 'foo=bar\nbar=qux#baz', keepCommas, ['foo=bar', 'bar=qux#baz']],
    ['quote in the middle of a field is literal', 'a="b"\nc', keepCommas, ['a="b"', 'c']],
    ['literal quotes kept (outputs)', 'type=image,"name=a/b,c/d",push=true', literalQuotes, ['type=image,"name=a/b,c/d",push=true']],
    ['surrounding quotes kept with quote:false', '"env.no_proxy=localhost,127.0.0.1"', literalQuotes, ['"env.no_proxy=localhost,127.0.0.1"']],
  ])('%s', (_name, input, options, expected) => {
    expect(parseInputList(input, options)).toEqual(expected);
  });

  it('keeps quoted multi-line values as one item', () => {
    const input = 'GIT_AUTH_TOKEN=abc,def=012\n"MYSECRET=aaa\nbbb\nccc"\nFOO=bar';
    expect(parseInputList(input, keepCommas)).toEqual(['GIT_AUTH_TOKEN=abc,def=012', 'MYSECRET=aaa\nbbb\nccc', 'FOO=bar']);
  });

  it('keeps empty lines inside a quoted value', () => {
    expect(parseInputList('FOO=bar\n"EMPTY=aaaa\n\nbbbb"', keepCommas)).toEqual(['FOO=bar', 'EMPTY=aaaa\n\nbbbb']);
  });

  it('splits unquoted multi-line values into lines', () => {
    expect(parseInputList('A=1,2\nSECRET=aaa\nbbb\nFOO=bar', keepCommas)).toEqual(['A=1,2', 'SECRET=aaa', 'bbb', 'FOO=bar']);
  });

  it('reads "" inside quotes as one quote', () => {
    expect(parseInputList('A=1\n"SECRET=aa\nbb""b"\nFOO=bar', keepCommas)).toEqual(['A=1', 'SECRET=aa\nbb"b', 'FOO=bar']);
  });

  it('keeps a closing quote followed by text literally (relaxed quotes)', () => {
    expect(parseInputList('"ab"cd,e', {})).toEqual(['"ab"cd', 'e']);
  });

  it('rejects a quote that is never closed', () => {
    expect(() => parseInputList('"SECRET=abc\nFOO=bar', keepCommas)).toThrow(/never closed/);
  });
});

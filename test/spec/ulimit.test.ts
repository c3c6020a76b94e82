// docker's --ulimit values (go-units ParseUlimit): names, soft[:hard], -1, and docker's errors.
import { describe, expect, it } from 'vitest';
import { parseUlimit } from '../../src/spec/index.js';

describe('parseUlimit', () => {
  it.each([
    ['nofile=1024', { name: 'nofile', soft: 1024, hard: 1024 }],
    ['nofile=1024:2048', { name: 'nofile', soft: 1024, hard: 2048 }],
    ['core=-1', { name: 'core', soft: -1, hard: -1 }],
    ['memlock=1024:-1', { name: 'memlock', soft: 1024, hard: -1 }],
    ['stack=67108864', { name: 'stack', soft: 67108864, hard: 67108864 }],
    ['nproc=+5', { name: 'nproc', soft: 5, hard: 5 }],
  ])('%s', (text, expected) => {
    expect(parseUlimit(text)).toEqual(expected);
  });

  it.each([
    ['nofile', 'invalid ulimit argument: nofile'],
    ['as=1', 'invalid ulimit type: as'],
    ['NOFILE=1', 'invalid ulimit type: NOFILE'],
    ['nofile=1:2:3', 'too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`'],
    ['nofile=2048:1024', 'ulimit soft limit must be less than or equal to hard limit: 2048 > 1024'],
    ['nofile=-1:1024', 'ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: 1024'],
    ['nofile=abc', 'invalid ulimit value "abc" in nofile=abc'],
    ['nofile=', 'invalid ulimit value "" in nofile='],
    ['nofile=-2', 'invalid ulimit nofile value -2'],
    ['nofile=99999999999999999999', 'invalid ulimit nofile value'],
  ])('%s fails: %s', (text, message) => {
    expect(() => parseUlimit(text)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining(message) }));
  });
});

// Go's time.ParseDuration, case for case (values and messages from Go's time package tests).
import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../../src/spec/duration.js';

describe('parseGoDuration', () => {
  it.each([
    ['0', 0], ['5s', 5e9], ['30s', 30e9], ['1478s', 1478e9], ['-5s', -5e9], ['+5s', 5e9], ['-0', 0],
    ['5.0s', 5e9], ['5.6s', 5.6e9], ['5.s', 5e9], ['.5s', 0.5e9], ['1.0s', 1e9], ['1.00s', 1e9],
    ['1.004s', 1.004e9], ['100.00100s', 100.001e9], ['10ns', 10], ['11us', 11e3], ['12µs', 12e3],
    ['12μs', 12e3], ['13ms', 13e6], ['14s', 14e9], ['15m', 15 * 60e9], ['16h', 16 * 3600e9],
    ['3h30m', 3.5 * 3600e9], ['10.5s4m', 4 * 60e9 + 10.5e9], ['-2m3.4s', -(2 * 60e9 + 3.4e9)],
    ['1h2m3s4ms5us6ns', 3600e9 + 2 * 60e9 + 3e9 + 4e6 + 5e3 + 6], ['39h9m14.425s', 140_954_425_000_000],
    ['52763797000ns', 52_763_797_000], ['0.3333333333333333333h', 1_200_000_000_000], ['1.5h', 5_400_000_000_000],
  ])('%s is %d ns', (text, nanos) => {
    expect(parseGoDuration(text)).toBe(nanos);
  });

  it.each([
    ['', 'time: invalid duration ""'], ['3', 'time: missing unit in duration "3"'], ['-', 'time: invalid duration "-"'],
    ['s', 'time: invalid duration "s"'], ['.', 'time: invalid duration "."'], ['-.', 'time: invalid duration "-."'],
    ['.s', 'time: invalid duration ".s"'], ['+.s', 'time: invalid duration "+.s"'], ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['1h-2m', 'time: unknown unit "h-" in duration "1h-2m"'], ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['3000000h', 'time: invalid duration "3000000h"'],
  ])('"%s" is refused with %s', (text, message) => {
    expect(() => parseGoDuration(text)).toThrow(message);
  });
});

import { describe, expect, it } from 'vitest';
import { OutputLines } from '../../src/executor/output-lines.js';

function split(chunks: Buffer[]): string[] {
  const lines: string[] = [];
  const output = new OutputLines((line) => lines.push(line));
  for (const chunk of chunks) output.push(chunk);
  output.end();
  return lines;
}

describe('step output lines', () => {
  it('joins writes into the lines the program wrote (a set -x trace arrives a word at a time)', () => {
    expect(split(['+ echo', ' one', ' two\n', 'one two\n+ ', 'exit 0\n'].map((t) => Buffer.from(t)))).toEqual(['+ echo one two', 'one two', '+ exit 0']);
  });

  it('keeps a UTF-8 character cut between two writes, drops CR before LF and hands on a last unterminated line', () => {
    const text = Buffer.from('héllo\r\nlast');
    expect(split([text.subarray(0, 2), text.subarray(2)])).toEqual(['héllo', 'last']);
  });

  it('keeps empty lines', () => {
    expect(split([Buffer.from('a\n\nb\n')])).toEqual(['a', '', 'b']);
  });
});

// Every class of parser error: a DockerfileSyntaxError whose message names file:line, with
// BuildKit's wording, the offending text and a did-you-mean hint where one fits.
import { describe, expect, test } from 'vitest';
import { DockerfileSyntaxError } from '../../src/errors.js';
import { parseDockerfile } from '../../src/parser/index.js';

function errorOf(text: string, file?: string): DockerfileSyntaxError {
  try {
    parseDockerfile(text, file === undefined ? {} : { file });
  } catch (error) {
    if (error instanceof DockerfileSyntaxError) return error;
    throw error;
  }
  throw new Error('parse did not fail');
}

describe('parser errors name the line', () => {
  test.each([
    ['empty file', '', 1, 'file with no instructions'],
    ['only comments', '# a\n\n# b\n', 3, 'file with no instructions'],
    ['bad escape directive', '# escape=x\nFROM a\n', 1, "invalid escape token 'x' does not match ` or \\"],
    ['repeated directive', '# syntax=a\n# syntax=b\nFROM a\n', 2, 'only one syntax parser directive can be used'],
    ['unterminated heredoc', 'FROM a\nRUN <<EOF\necho\n', 2, 'unterminated heredoc'],
    ['nested JSON', 'FROM a\nCMD [["a"]]\n', 2, 'when using JSON array syntax, arrays must be comprised of strings only'],
    ['ENV without value', 'FROM a\n\nENV PATH\n', 3, 'ENV must have two arguments'],
    ['line too long', `FROM a\nLABEL a=${'x'.repeat(65536)}\n`, 2, 'dockerfile line greater than max allowed size of 65535'],
    ['unknown instruction', 'FROM a\nFOO bar\n', 2, 'unknown instruction: FOO (did you mean FROM?)'],
    ['argument count', 'FROM a\nWORKDIR\n', 2, 'WORKDIR requires exactly one argument'],
    ['STOPSIGNAL without a signal', 'FROM a\nSTOPSIGNAL\n', 2, 'STOPSIGNAL requires exactly one argument'],
    ['missing destination', 'FROM a\nCOPY \\\n  onlysource\n', 2, 'COPY requires at least two arguments, but only one was provided. Destination could not be determined'],
    ['heredoc destination', 'FROM a\nCOPY /foo <<EOF\nEOF\n', 2, 'COPY cannot accept a heredoc as a destination'],
    ['ONBUILD ONBUILD', 'FROM a\nONBUILD ONBUILD RUN x\n', 2, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed'],
    ['ONBUILD FROM', 'FROM a\nONBUILD FROM b\n', 2, "FROM isn't allowed as an ONBUILD trigger"],
    ['ONBUILD MAINTAINER', 'FROM a\nONBUILD maintainer me\n', 2, "MAINTAINER isn't allowed as an ONBUILD trigger"],
    ['error inside ONBUILD trigger', 'FROM a\nONBUILD COPY x\n', 2, 'COPY requires at least two arguments, but only one was provided. Destination could not be determined'],
    ['unknown flag', 'FROM a\nMAINTAINER --boo joe\n', 2, 'unknown flag: --boo'],
    ['flag on a flagless instruction', 'FROM a\nWORKDIR --x=1 /a\n', 2, 'unknown flag: --x'],
    ['instruction before FROM', 'ARG A\nRUN x\nFROM a\n', 2, 'no build stage in current context: RUN before the first FROM'],
    ['no FROM at all', 'ARG A\nARG B\n', 2, 'dockerfile contains no stages to build'],
  ])('%s', (_name, text, line, message) => {
    const error = errorOf(text);
    expect(error.code).toBe('DOCKERFILE_SYNTAX');
    expect(error.location.line).toBe(line);
    expect(error.message).toBe(`Dockerfile:${line}: ${message}`);
  });

  test('unknown instructions get a did-you-mean suggestion and keep their spelling', () => {
    const error = errorOf('FROOM busybox\n');
    expect(error.message).toBe('Dockerfile:1: unknown instruction: FROOM (did you mean FROM?)');
    expect(error.suggestion).toBe('FROM');
    expect(errorOf('FROM a\nfoo bar\n').message).toBe('Dockerfile:2: unknown instruction: foo (did you mean from?)');
    expect(errorOf('FROM a\nbadcmd x\n').message).toBe('Dockerfile:2: unknown instruction: badcmd');
  });

  test('the file name and the offending text are carried', () => {
    const error = errorOf('FROM a\n  RUN --nope=1 x\n', 'build/Dockerfile.prod');
    expect(error.message).toBe('build/Dockerfile.prod:2: unknown flag: --nope');
    expect(error.location).toEqual({ file: 'build/Dockerfile.prod', line: 2, column: 3, endLine: 2 });
    expect(error.text).toBe('RUN --nope=1 x');
  });

  test('a multi-line instruction reports its first line and its end line', () => {
    const error = errorOf('FROM a\nHEALTHCHECK \\\n  --interval=1ns \\\n  CMD true\n');
    expect(error.message).toBe('Dockerfile:2: Interval "interval" cannot be less than 1ms');
    expect(error.location.endLine).toBe(4);
  });
});

// expandWord: quoting, escapes with both escape tokens, `$name`/`${name}` and special parameters.
import { describe, expect, test } from 'vitest';
import { expandWord, lookupFrom } from '../../src/parser/shell-words.js';

const env = lookupFrom({ A: 'alpha', EMPTY: '', SP: 'a  b', PATH_LIKE: '/usr/bin', 'É': 'accent' });

describe('quoting and escapes with the default escape token', () => {
  test.each([
    ['plain', 'plain'],
    ["'single $A \\n \"x\"'", 'single $A \\n "x"'],
    ['"double $A"', 'double alpha'],
    ['"keeps \\n and \\t"', 'keeps \\n and \\t'],
    ['"escaped \\" \\$A \\\\"', 'escaped " $A \\'],
    ['"a backtick ` stays"', 'a backtick ` stays'],
    ['"single \' inside"', "single ' inside"],
    ["a'b'\"c\"d", 'abcd'],
    ['\\$A', '$A'],
    ['\\a\\b', 'ab'],
    ['\\\\', '\\'],
    ['trailing\\', 'trailing'],
    ['\\ space', ' space'],
    ["\\'", "'"],
    ['\\"', '"'],
    ['"$A"\'$A\'$A', 'alpha$Aalpha'],
    ['""', ''],
    ["''", ''],
  ])('%s → %s', (word, expected) => {
    expect(expandWord(word, env)).toBe(expected);
  });
});

describe('with the backtick escape token', () => {
  const backtick = { escape: '`' } as const;
  test.each([
    ['C:\\path\\$A', 'C:\\path\\alpha'],
    ['`$A', '$A'],
    ['``', '`'],
    ['a`b', 'ab'],
    ['"`""', '"'],
    ['"`$A ``"', '$A `'],
    ['"\\$A"', '\\alpha'],
    ['"`x"', '`x'],
    ["'`$A'", '`$A'],
    ['end`', 'end'],
  ])('%s → %s', (word, expected) => {
    expect(expandWord(word, env, backtick)).toBe(expected);
  });
});

describe('variable references', () => {
  test.each([
    ['$A', 'alpha'],
    ['${A}', 'alpha'],
    ['$A.txt', 'alpha.txt'],
    ['${A}x', 'alphax'],
    ['$Ax', ''],
    ['$UNSET', ''],
    ['$EMPTY|', '|'],
    ['$', '$'],
    ['a$', 'a$'],
    ['$/x', '$/x'],
    ['$É', 'accent'],
    ['${É}', 'accent'],
    ['$1x', 'x'],
    ['$12x', 'x'],
    ['${10}', ''],
    ['$@@', '@'],
    ['$$', ''],
    ['$#x', 'x'],
    ['${?}', ''],
    ['$0a', 'a'],
    ['"$SP"', 'a  b'],
    ['$PATH_LIKE:/bin', '/usr/bin:/bin'],
    ['${A}}', 'alpha}'],
    // Go's text/scanner drops a byte-order mark at the start of its input.
    ['\uFEFF$A', 'alpha'],
    ['$A\uFEFF', 'alpha\uFEFF'],
  ])('%s → %s', (word, expected) => {
    expect(expandWord(word, env)).toBe(expected);
  });
});

describe('syntax errors', () => {
  test.each([
    ["'open", 'matching single-quote'],
    ['"open', 'matching double-quote'],
    ['"open\\"', 'matching double-quote'],
    ['${', "missing '}'"],
    ['${A', "missing '}'"],
    ['${}', 'bad substitution'],
    ['${:-x}', 'bad substitution'],
    ['${{A}', 'bad substitution'],
    ['${.}', 'unsupported modifier (.)'],
    ['${A=x}', 'unsupported modifier (=)'],
    ['${A:=x}', 'unsupported modifier (:=)'],
    ['${A:x}', 'unsupported modifier (:x)'],
    ['${#A}', 'unsupported modifier (A)'],
    ['${A:-${B}', "missing '}'"],
  ])('%s fails: %s', (word, message) => {
    expect(() => expandWord(word, env)).toThrowError(message);
    try {
      expandWord(word, env);
    } catch (error) {
      expect(error).toMatchObject({ code: 'DOCKERFILE_SYNTAX' });
      expect((error as Error).message).toContain(`failed to process ${JSON.stringify(word)}`);
    }
  });
});

// BuildKit names RUN steps with RawQuotes and SkipUnsetEnv (dockerfile2llb dispatchRun): quotes
// stay as written and an unset variable keeps its reference, modifier and all.
describe('with raw quotes and unset variables kept (progress names)', () => {
  const named = { rawQuotes: true, skipUnset: true } as const;
  test.each([
    ['echo "$A" \'$A\' $A', 'echo "alpha" \'$A\' alpha'],
    ['$UNSET ${UNSET} "${UNSET}"', '$UNSET ${UNSET} "${UNSET}"'],
    ['${UNSET:-x} ${UNSET+y} ${UNSET%%.*}', '${UNSET:-x} ${UNSET+y} ${UNSET%%.*}'],
    ['${UNSET//a/b}', '${UNSET/a/b}'],
    ['${A:-x} ${EMPTY:-x} $EMPTY.', 'alpha x .'],
    ['\\$A "\\$A"', '$A "$A"'],
    ['a$', 'a$'],
  ])('%s → %s', (word, expected) => {
    expect(expandWord(word, env, named)).toBe(expected);
  });
});

// The line-level lexer: continuations, comments, directives, escape token, BOM, CRLF,
// heredoc bodies and their line numbers, warnings, and the dump of odd shapes.
import { describe, expect, test } from 'vitest';
import { detectDirective, dumpAst, parseAst, parseDockerfile } from '../../src/parser/index.js';

const dump = (text: string): string => dumpAst(parseAst(text).nodes);

describe('line continuations and comments', () => {
  test('continuation lines are joined as written, comment lines inside dropped', () => {
    expect(dump('RUN a \\\n  # note\n  b\\\nc\n')).toBe('(run "a   bc")\n');
  });

  test('an escaped escape token at the end does not continue the line', () => {
    expect(dump('RUN echo \\\\\nFROM x\n')).toBe('(run "echo \\\\\\\\")\n(from "x")\n');
  });

  test('empty continuation lines produce one warning naming the end line', () => {
    const result = parseAst('FROM a\nRUN a \\\n\n  b\n');
    expect(result.warnings).toEqual([
      { message: 'Empty continuation line found in: RUN a   b', range: { start: { line: 4, column: 1 }, end: { line: 4, column: 1 } } },
    ]);
  });

  test('CRLF line endings and a UTF-8 BOM are accepted', () => {
    expect(dump('\uFEFFFROM a\r\nRUN b \\\r\n c\r\n')).toBe('(from "a")\n(run "b  c")\n');
  });

  test('line numbers and columns cover continuations and heredoc bodies', () => {
    const nodes = parseAst('\n  FROM a\nRUN x \\\n\n y\nCOPY <<EOF /f\nbody\nEOF\nUSER u\n').nodes;
    expect(nodes.map((n) => [n.startLine, n.endLine, n.startColumn, n.endColumn])).toEqual([
      [2, 2, 3, 9],
      [3, 5, 1, 3],
      [6, 8, 1, 4],
      [9, 9, 1, 7],
    ]);
  });
});

describe('parser directives', () => {
  test('syntax, escape and check are read from the top only', () => {
    const parsed = parseDockerfile('# syntax=docker/dockerfile:1.7\n# ESCAPE=`\n#check=error=true\nFROM a\n# escape=\\\nRUN b `\n  c\n');
    expect(parsed.directives).toEqual({ syntax: 'docker/dockerfile:1.7', escape: '`', check: 'error=true' });
    expect(parsed.stages[0].instructions).toMatchObject([{ kind: 'RUN', command: { script: 'b   c' } }]);
  });

  test('a comment before a directive turns it into a plain comment', () => {
    expect(parseDockerfile('# hello\n# escape=`\nFROM a\n').directives).toEqual({ escape: '\\' });
  });

  test('directives are not doc comments of the first instruction', () => {
    expect(parseAst('# syntax=x\n# base image\nFROM a\n').nodes[0].comments).toEqual(['base image']);
  });

  test('detectDirective accepts // and JSON forms for syntax only', () => {
    expect(detectDirective('syntax', '//syntax=foo\nFROM a')?.value).toBe('foo');
    expect(detectDirective('syntax', '{"syntax": "bar"}')?.value).toBe('bar');
    expect(detectDirective('check', '//check=skip=all\n')).toBeUndefined();
  });
});

describe('heredocs', () => {
  test('several heredocs on one line are read in order', () => {
    const node = parseAst('COPY <<A <<B /d\na\nA\nb\nB\n').nodes[0];
    expect(node.heredocs.map((h) => [h.name, h.content])).toEqual([
      ['A', 'a\n'],
      ['B', 'b\n'],
    ]);
  });

  test('<<- terminators may be indented with tabs; bodies are kept raw in the AST', () => {
    const node = parseAst('RUN <<-EOF\n\tx\n\tEOF\n').nodes[0];
    expect(node.heredocs).toEqual([{ name: 'EOF', fileDescriptor: 0, expand: true, chomp: true, content: '\tx\n' }]);
  });

  test('heredocs only for RUN, COPY and ADD in shell form', () => {
    expect(parseAst('ENV a=<<EOF\nRUN ["<<EOF"]\nRUN "<<EOF"\nRUN <<\'EOF\n').nodes.map((n) => n.heredocs.length)).toEqual([0, 0, 0, 0]);
  });

  test('quoted delimiters disable expansion', () => {
    const [a, b, c] = parseAst('RUN <<"A"\nA\nRUN <<B\nB\nRUN <<x\'y\'\nxy\n').nodes;
    expect([a.heredocs[0].expand, b.heredocs[0].expand, c.heredocs[0].expand]).toEqual([false, true, false]);
  });
});

describe('dump of odd shapes', () => {
  test.each([
    ['ONBUILD RUN echo test', '(onbuild (run "echo test"))'],
    ['ONBUILD', '(onbuild)'],
    ['HEALTHCHECK', '(healthcheck)'],
    ['HEALTHCHECK NONE', '(healthcheck "NONE")'],
    ['FOO bar baz', '(foo "")'],
    ['CMD ["\\u0000", "♥", "\\t"]', '(cmd "\\x00" "♥" "\\t")'],
    ['COPY --a="b c" -- x y', '(copy ["--a=b c"] "x" "y")'],
    ['ENV a=b\\ c d="e f"', '(env "a" "b\\\\ c" "=" "d" "\\"e f\\"" "=")'],
  ])('%s', (line, expected) => {
    expect(dump(`${line}\n`)).toBe(`${expected}\n`);
  });
});

// Conformance checks of the parser against buildkit-parser/transcribed/*.json tables:
// directives, heredocs, JSON arrays, parseWords, name-value pairs, warnings and line limit.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseJsonArray, nodeFromLine } from '../../src/parser/ast-line-parsers.js';
import { parseWords } from '../../src/parser/ast-words.js';
import { parseAst } from '../../src/parser/ast.js';
import { DirectiveParser, detectDirective } from '../../src/parser/directives.js';
import { chompHeredocContent, heredocsFromLine, parseHeredocWord } from '../../src/parser/heredoc.js';
import { type CorpusCase, check, expectEqual, expectThrow } from './corpus-case.js';
import { heredocCorpusCases } from './corpus-checks-heredoc.js';

type Json = Record<string, unknown>;

export function tableCorpusCases(corpusRoot: string): CorpusCase[] {
  const dir = path.join(corpusRoot, 'buildkit-parser', 'transcribed');
  const load = (name: string): Json => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Json;
  return [
    ...directiveCases(load('directives.json')),
    ...heredocCorpusCases(load('heredoc.json'), { parseAst, parseHeredocWord, heredocsFromLine, chompHeredocContent }),
    ...jsonCases(load('json-arrays.json')),
    ...nameValCases(load('name-val.json')),
    ...wordCases(load('parse-words.json')),
    ...warningCases(load('warnings-and-errors.json')),
  ];
}

interface DetectCase {
  input: string;
  ok: boolean;
  ref?: string;
  value?: string;
  cmdline?: string;
  startLine?: number;
}

function directiveCases(table: Json): CorpusCase[] {
  const parseAll = (table['DirectiveParser.ParseAll'] as { input: string; expected: unknown[] }[]).map((c, i) =>
    check(`directives/ParseAll#${i}`, () =>
      expectEqual(new DirectiveParser().parseAll(c.input).map((d) => ({ name: d.name, value: d.value })), c.expected),
    ),
  );
  const detect = (key: 'syntax' | 'check', cases: DetectCase[]): CorpusCase[] =>
    cases.map((c, i) =>
      check(`directives/${key}#${i}`, () => {
        const found = detectDirective(key, c.input);
        if (!c.ok) return found ? `unexpected ${JSON.stringify(found)}` : undefined;
        if (!found) return 'not detected';
        const want = c.ref ?? c.value;
        if (found.value !== want) return `value ${found.value}, want ${want}`;
        if (c.cmdline !== undefined && found.cmdline !== c.cmdline) return `cmdline ${found.cmdline}, want ${c.cmdline}`;
        if (c.startLine !== undefined && found.line !== c.startLine) return `line ${found.line}, want ${c.startLine}`;
        return undefined;
      }),
    );
  return [...parseAll, ...detect('syntax', table.DetectSyntax as DetectCase[]), ...detect('check', table['ParseDirective("check")'] as DetectCase[])];
}

function jsonCases(table: Json): CorpusCase[] {
  const valid = (table.valid as { input: string; expected: string[] }[]).map((c, i) =>
    check(`json-arrays/valid#${i}`, () => expectEqual(parseJsonArray(c.input), c.expected)),
  );
  const invalid = (table.invalidNotStringArray as string[]).map((input, i) =>
    check(`json-arrays/invalid#${i}`, () => expectThrow(() => parseJsonArray(input), 'arrays must be comprised of strings only')),
  );
  return [...valid, ...invalid];
}

function nameValCases(table: Json): CorpusCase[] {
  const cases = table.cases as { input: string; command: string; expectedValues?: string[]; expectError?: string }[];
  return cases.map((c, i) =>
    check(`name-val#${i}`, () => {
      const line = `${c.command} ${c.input}`;
      if (c.expectError !== undefined) return expectThrow(() => nodeFromLine(line, '\\', []), c.expectError);
      return expectEqual(nodeFromLine(line, '\\', []).args, c.expectedValues);
    }),
  );
}

function wordCases(table: Json): CorpusCase[] {
  const cases = table.cases as { input: string; expected: string[] }[];
  return cases.map((c, i) => check(`parse-words#${i}`, () => expectEqual(parseWords(c.input, '\\'), c.expected)));
}

interface WarningTable {
  dockerfile: string;
  expectedWarningCount: number;
  warnings: { shortContains: string[] }[];
}

function warningCases(table: Json): CorpusCase[] {
  const warn = table.TestParseWarnsOnEmptyContinutationLine as WarningTable;
  const scanner = table.TestParseReturnsScannerErrors as { dockerfileTemplate: string; expectedError: string };
  return [
    check('warnings/empty-continuation', () => {
      const warnings = parseAst(warn.dockerfile).warnings;
      if (warnings.length !== warn.expectedWarningCount) return `${warnings.length} warnings, want ${warn.expectedWarningCount}`;
      const missing = warn.warnings.flatMap((w, i) => w.shortContains.filter((text) => !warnings[i].message.includes(text)));
      return missing.length === 0 ? undefined : `messages lack ${JSON.stringify(missing)}`;
    }),
    check('warnings/max-line-length', () =>
      expectThrow(() => parseAst(scanner.dockerfileTemplate.replace('%s', 'a'.repeat(65536))), scanner.expectedError),
    ),
  ];
}

// Conformance checks of heredoc extraction against buildkit-parser/transcribed/heredoc.json.

import type { AstResult } from '../../src/parser/ast.js';
import type { AstHeredoc } from '../../src/parser/heredoc.js';
import { type CorpusCase, check, expectEqual, expectThrow } from './corpus-case.js';

type Json = Record<string, unknown>;

interface HeredocApi {
  parseAst(text: string): AstResult;
  parseHeredocWord(src: string): AstHeredoc | undefined;
  heredocsFromLine(line: string): AstHeredoc[];
  chompHeredocContent(content: string): string;
}

interface GoHeredoc {
  Name: string;
  FileDescriptor: number;
  Expand: boolean;
  Chomp: boolean;
  Content: string;
}

const toGo = (h: AstHeredoc): GoHeredoc => ({ Name: h.name, FileDescriptor: h.fileDescriptor, Expand: h.expand, Chomp: h.chomp, Content: h.content });

export function heredocCorpusCases(table: Json, api: HeredocApi): CorpusCase[] {
  const extract = table.TestParseExtractsHeredoc as { dockerfile: string; expected: { childIndex: number; heredocs: GoHeredoc[] | null }[] };
  const extractCases = extract.expected.map((e) =>
    check(`heredoc/extract#${e.childIndex}`, () => {
      const node = api.parseAst(extract.dockerfile).nodes[e.childIndex];
      const got = node.heredocs.length === 0 ? null : node.heredocs.map(toGo);
      return expectEqual(got, e.heredocs);
    }),
  );
  const jsonCase = check('heredoc/json-form', () => {
    const nodes = api.parseAst((table.TestParseJSONHeredoc as { dockerfile: string }).dockerfile).nodes;
    return expectEqual(nodes.slice(1).map((n) => n.heredocs.length), [0, 0, 0]);
  });
  const chomp = table.TestHeredocChomp as { input: string; expected: string };
  const chompCase = check('heredoc/chomp', () => expectEqual(api.chompHeredocContent(chomp.input), chomp.expected));
  return [...extractCases, jsonCase, chompCase, ...helperCases(table, api), ...fromLineCases(table, api)];
}

function helperCases(table: Json, api: HeredocApi): CorpusCase[] {
  const helpers = table.TestParseHeredocHelpers as { valid_name_EOF: string[]; invalid_error: string[]; not_heredoc_nil: string[] };
  return [
    ...helpers.valid_name_EOF.map((src) => check(`heredoc/valid ${src}`, () => expectEqual(api.parseHeredocWord(src)?.name, 'EOF'))),
    ...helpers.invalid_error.map((src) => check(`heredoc/invalid ${src}`, () => expectThrow(() => api.parseHeredocWord(src)))),
    ...helpers.not_heredoc_nil.map((src) => check(`heredoc/not ${JSON.stringify(src)}`, () => expectEqual(api.parseHeredocWord(src) ?? null, null))),
  ];
}

function fromLineCases(table: Json, api: HeredocApi): CorpusCase[] {
  const cases = (table.TestHeredocsFromLine as { cases: { line: string; heredocNames: string[] | null }[] }).cases;
  return cases.map((c) =>
    check(`heredoc/fromLine ${c.line}`, () => {
      const names = api.heredocsFromLine(c.line).map((h) => h.name);
      // Like the Go test: names are compared for the heredocs returned; null expects none.
      if (c.heredocNames === null) return expectEqual(names, []);
      return names.length === 0 ? 'no heredocs found' : expectEqual(names, c.heredocNames.slice(0, names.length));
    }),
  );
}

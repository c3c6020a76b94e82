// Conformance checks of typed instructions against buildkit-instructions/instructions.json.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AstNode } from '../../src/parser/ast.js';
import { chompHeredocContent, parseAst, parseInstruction } from '../../src/parser/index.js';
import { docComment } from '../../src/parser/instructions.js';
import type { Instruction } from '../../src/parser/types.js';
import { type CorpusCase, check, expectEqual, expectThrow } from './corpus-case.js';

type Json = Record<string, unknown>;

const firstInstruction = (dockerfile: string): Instruction => parseInstruction(parseAst(dockerfile).nodes[0]);

function handNode(keyword: string, args: string[]): AstNode {
  return { keyword, flags: [], args, json: false, original: keyword, startLine: 1, endLine: 1, startColumn: 1, endColumn: 1, heredocs: [], comments: [] };
}

export function instructionCorpusCases(corpusRoot: string): CorpusCase[] {
  const table = JSON.parse(readFileSync(path.join(corpusRoot, 'buildkit-instructions', 'instructions.json'), 'utf8')) as Json;
  return [...errorCases(table), ...valueCases(table), ...heredocCases(table)];
}

function errorCases(table: Json): CorpusCase[] {
  const exact = (table.argumentCountErrors as { cases: { dockerfile: string; expectedError: string }[] }).cases.map((c) =>
    check(`argument-count ${c.dockerfile}`, () => expectThrow(() => firstInstruction(c.dockerfile), `Dockerfile:1: ${c.expectedError}`)),
  );
  const contains = (table.errorCases as { cases: { name: string; dockerfile: string; expectedErrorContains: string }[] }).cases.map((c) =>
    check(`error ${c.name}`, () => expectThrow(() => firstInstruction(c.dockerfile), c.expectedErrorContains)),
  );
  const nodeLevel = (table.nodeLevelErrors as { cases: { command: string; nodeValues: string[]; expectedError: string }[] }).cases.map((c) =>
    check(`node-level ${c.command} ${JSON.stringify(c.nodeValues)}`, () =>
      expectThrow(() => parseInstruction(handNode(c.command, c.nodeValues)), c.expectedError),
    ),
  );
  return [...exact, ...contains, ...nodeLevel];
}

function valueCases(table: Json): CorpusCase[] {
  const health = table.healthcheck as { nodeValues: string[]; expectedTest: string[] };
  const healthCase = check('healthcheck CMD -> CMD-SHELL', () => {
    const ins = parseInstruction(handNode(health.nodeValues[0], health.nodeValues.slice(1)));
    if (ins.kind !== 'HEALTHCHECK' || ins.test.type !== 'CMD' || ins.test.command.form !== 'shell') return 'not a shell-form CMD';
    return expectEqual(['CMD-SHELL', ins.test.command.script], health.expectedTest);
  });
  const intervals = (table.healthcheckInterval as { cases: { interval: string; ok?: boolean; expectErrorContains?: string }[] }).cases.map((c) =>
    check(`healthcheck --interval=${c.interval}`, () => {
      const parse = (): Instruction => firstInstruction(`HEALTHCHECK --interval=${c.interval} CMD true`);
      if (c.ok) return parse().kind === 'HEALTHCHECK' ? undefined : 'wrong kind';
      return expectThrow(parse, c.expectErrorContains);
    }),
  );
  const run = table.runFlagsUsed as { dockerfile: string };
  const runCase = check('run --mount flags', () => {
    const ins = firstInstruction(run.dockerfile);
    return ins.kind === 'RUN' ? expectEqual(ins.mounts, [{ type: 'tmpfs', target: '/foo/' }]) : 'not RUN';
  });
  return [healthCase, ...intervals, runCase, docCommentCase(table)];
}

function docCommentCase(table: Json): CorpusCase {
  const doc = table.docComments as { dockerfile: string; expected: Record<string, string | { Key: string; DocComment: string }> };
  return check('doc comments', () => {
    const nodes = parseAst(doc.dockerfile).nodes;
    const e = doc.expected;
    const actual = {
      stage0: docComment(nodes[1].comments, 'base'),
      metaArg0: docComment(nodes[0].comments, 'foo'),
      cmd0: docComment(nodes[2].comments, 'foo'),
      bar: docComment(nodes[3].comments, 'bar'),
      baz: docComment(nodes[3].comments, 'baz'),
    };
    const arg = (key: string): string => (e[key] as { DocComment: string }).DocComment;
    return expectEqual(actual, {
      stage0: e['stage0.DocComment'],
      metaArg0: e['metaArg0.DocComment'],
      cmd0: arg('stage0.cmd0.args[0]'),
      bar: arg('stage0.cmd1.args[0]'),
      baz: arg('stage0.cmd1.args[1]'),
    });
  });
}

interface CopyExpect {
  DestPath: string;
  SourcePaths: string[];
  SourceContents: { Path: string; Data: string; Expand: boolean }[];
}

interface RunExpect {
  dockerfile: string;
  prependShell: boolean;
  cmdLine: string[];
  files: { Name: string; Data: string; Chomp: boolean }[];
}

function heredocCases(table: Json): CorpusCase[] {
  const copies = (table.copyHeredoc as { cases: { dockerfile: string; expected: CopyExpect }[] }).cases.map((c, i) =>
    check(`copy heredoc #${i}`, () => {
      const ins = firstInstruction(c.dockerfile);
      if (ins.kind !== 'COPY') return 'not COPY';
      const contents = ins.heredocs.map((h) => ({ Path: h.name, Data: h.content, Expand: h.expand }));
      return expectEqual({ DestPath: ins.dest, SourcePaths: ins.sources, SourceContents: contents }, c.expected);
    }),
  );
  const runs = (table.runHeredoc as { cases: RunExpect[] }).cases.map((c, i) =>
    check(`run heredoc #${i}`, () => {
      const ins = firstInstruction(c.dockerfile);
      if (ins.kind !== 'RUN') return 'not RUN';
      const command = ins.command;
      const cmdLine = command.form === 'exec' ? command.args : [command.script];
      const files = command.form === 'exec' ? [] : command.heredocs.map((h) => ({ Name: h.name, Data: h.content, Chomp: h.chomp }));
      // BuildKit chomps RUN heredocs at dispatch; tsbuild's Heredoc.content is already chomped.
      const want = c.files.map((f) => ({ ...f, Data: f.Chomp ? chompHeredocContent(f.Data) : f.Data }));
      return expectEqual({ prependShell: command.form === 'shell', cmdLine, files }, { prependShell: c.prependShell, cmdLine: c.cmdLine, files: want });
    }),
  );
  return [...copies, ...runs];
}

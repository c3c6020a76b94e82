// Conformance checks of the AST layer against buildkit-parser/: testfiles dumps byte for
// byte, negative testfiles, and the line-number table.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { dumpAst, parseAst } from '../../src/parser/index.js';
import { type CorpusCase, check, expectEqual, expectThrow } from './corpus-case.js';

export function astCorpusCases(corpusRoot: string): CorpusCase[] {
  const root = path.join(corpusRoot, 'buildkit-parser');
  return [...dumpCases(root), ...negativeCases(root), lineNumberCase(root)];
}

function dumpCases(root: string): CorpusCase[] {
  const dir = path.join(root, 'testfiles');
  return readdirSync(dir).sort().map((name) =>
    check(`testfiles/${name}`, () => {
      const text = readFileSync(path.join(dir, name, 'Dockerfile'), 'utf8');
      const want = readFileSync(path.join(dir, name, 'result'), 'utf8').replace(/\r\n/g, '\n');
      const got = dumpAst(parseAst(text).nodes);
      if (got === want) return undefined;
      const gotLines = got.split('\n');
      const index = want.split('\n').findIndex((line, i) => line !== gotLines[i]);
      return `line ${index + 1}: got ${JSON.stringify(gotLines[index])}, want ${JSON.stringify(want.split('\n')[index])}`;
    }),
  );
}

function negativeCases(root: string): CorpusCase[] {
  const dir = path.join(root, 'testfiles-negative');
  return readdirSync(dir).sort().map((name) =>
    check(`testfiles-negative/${name}`, () => expectThrow(() => parseAst(readFileSync(path.join(dir, name, 'Dockerfile'), 'utf8')))),
  );
}

interface LineTable {
  dockerfile: string;
  root: { startLine: number; endLine: number };
  children: { startLine: number; endLine: number }[];
}

function lineNumberCase(root: string): CorpusCase {
  return check('transcribed/line-numbers', () => {
    const table = JSON.parse(readFileSync(path.join(root, 'transcribed', 'line-numbers.json'), 'utf8')) as LineTable;
    const file = path.join(root, table.dockerfile);
    if (!existsSync(file)) return `missing ${file}`;
    const nodes = parseAst(readFileSync(file, 'utf8')).nodes;
    const actual = {
      root: { startLine: nodes[0].startLine, endLine: nodes[nodes.length - 1].endLine },
      children: nodes.map((n) => ({ startLine: n.startLine, endLine: n.endLine })),
    };
    return expectEqual(actual, { root: table.root, children: table.children });
  });
}

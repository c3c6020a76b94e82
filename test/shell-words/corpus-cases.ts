// Reads BuildKit's shell-lexer tables from the peer corpus (buildkit-shell/) into plain cases,
// following the upstream lex_test.go readers; shared by the conformance runner and vitest.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One corpus case: `run` returns undefined on success, else what differed. */
export interface ShellCorpusCase {
  name: string;
  run: () => string | undefined;
}

export interface EnvVarLine {
  platform: 'A' | 'U' | 'W';
  input: string;
  expected: string;
  line: number;
}

export interface WordsLine {
  input: string;
  /** undefined = an error is expected. */
  expected: string[] | undefined;
  env: string[];
  line: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The corpus root: $TSBUILD_CORPUS, else ../../../shared/corpus from this directory. */
export function defaultCorpusRoot(): string {
  return process.env.TSBUILD_CORPUS ?? path.resolve(here, '../../../shared/corpus');
}

export function corpusAvailable(root: string): boolean {
  return existsSync(path.join(root, 'buildkit-shell'));
}

export function readShellFile(root: string, file: string): string {
  return readFileSync(path.join(root, 'buildkit-shell', file), 'utf8');
}

/** envVarTest: `PLATFORM | input | expected`, fields trimmed, `#` and blank lines skipped. */
export function parseEnvVarTest(text: string): EnvVarLine[] {
  const cases: EnvVarLine[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.length === 0 || line.startsWith('#')) return;
    const fields = line.split('|');
    if (fields.length !== 3) throw new Error(`envVarTest:${index + 1}: expected 3 fields, got ${fields.length}`);
    const [platform, input, expected] = fields.map((field) => field.trim()) as [string, string, string];
    if (platform !== 'A' && platform !== 'U' && platform !== 'W') {
      throw new Error(`envVarTest:${index + 1}: bad platform ${platform}`);
    }
    cases.push({ platform, input, expected, line: index + 1 });
  });
  return cases;
}

/** wordsTest: `input | w1,w2`; `ENV k=v` lines add to the env of the lines after them. */
export function parseWordsTest(text: string): WordsLine[] {
  const cases: WordsLine[] = [];
  const env: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.length === 0 || line.startsWith('#')) return;
    if (line.startsWith('ENV ')) {
      env.push(line.slice(3).replace(/^ +/, ''));
      return;
    }
    const fields = line.split('|');
    if (fields.length !== 2) throw new Error(`wordsTest:${index + 1}: expected 2 fields, got ${fields.length}`);
    const expected = (fields[1] as string).replace(/^ +/, '').split(',');
    cases.push({
      input: (fields[0] as string).trim(),
      expected: expected[0] === 'error' ? undefined : expected,
      env: [...env],
      line: index + 1,
    });
  });
  return cases;
}

export interface MatchesCase {
  input: string;
  envs: Record<string, string>;
  expected?: string;
  expectedErr?: boolean;
  matches: string[];
  unmatched: string[];
}

export interface ProcessWithMatchesFile {
  TestProcessWithMatches: { cases: MatchesCase[] };
  TestProcessWithMatchesPlatform: {
    input: string;
    cases: { envs: Record<string, string>; expected: string }[];
  };
  TestShellParserMandatoryEnvVars: {
    cases: { input: string; envs: string[]; expected?: string; expectErrorContains?: string }[];
  };
  TestGetEnv: { cases: { envs: string[]; key: string; expected: string }[] };
}

export function readProcessWithMatches(root: string): ProcessWithMatchesFile {
  return JSON.parse(readShellFile(root, 'processWithMatches.json')) as ProcessWithMatchesFile;
}

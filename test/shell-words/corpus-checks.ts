// Turns the buildkit-shell corpus tables into runnable checks against src/parser/shell-words.ts.
// Windows-only (`W`) envVarTest lines are left out: tsbuild expands with Unix (case-sensitive) rules.
import {
  expandWord,
  expandWordWithMatches,
  expandWords,
  lookupFrom,
  type VariableLookup,
} from '../../src/parser/shell-words.js';
import {
  parseEnvVarTest,
  parseWordsTest,
  readProcessWithMatches,
  readShellFile,
  type MatchesCase,
  type ShellCorpusCase,
} from './corpus-cases.js';

/** The env of upstream TestShellReadEnvVars / envVarTest. */
const ENV_VAR_TEST_ENV = ['PWD=/home', 'SHELL=bash', 'KOREAN=한국어', 'NULL='];

export function shellCorpusCases(root: string): ShellCorpusCase[] {
  return [...envVarCases(root), ...wordsCases(root), ...matchesCases(root)];
}

function envVarCases(root: string): ShellCorpusCase[] {
  const lookup = lookupFrom(ENV_VAR_TEST_ENV);
  return parseEnvVarTest(readShellFile(root, 'envVarTest'))
    .filter((entry) => entry.platform !== 'W')
    .map((entry) => ({
      name: `envVarTest:${entry.line} ${entry.input}`,
      run: () => expectOutcome(() => expandWord(entry.input, lookup), entry.expected === 'error' ? undefined : entry.expected),
    }));
}

function wordsCases(root: string): ShellCorpusCase[] {
  return parseWordsTest(readShellFile(root, 'wordsTest')).map((entry) => ({
    name: `wordsTest:${entry.line} ${entry.input}`,
    run: () =>
      expectOutcome(
        () => JSON.stringify(expandWords(entry.input, lookupFrom(entry.env))),
        entry.expected && JSON.stringify(entry.expected),
      ),
  }));
}

function matchesCases(root: string): ShellCorpusCase[] {
  const file = readProcessWithMatches(root);
  const cases: ShellCorpusCase[] = file.TestProcessWithMatches.cases.map((entry, index) => ({
    name: `processWithMatches[${index}] ${entry.input}`,
    run: () => checkMatches(entry),
  }));
  const platform = file.TestProcessWithMatchesPlatform;
  platform.cases.forEach((entry, index) =>
    cases.push({
      name: `processWithMatchesPlatform[${index}]`,
      run: () => expectOutcome(() => expandWord(platform.input, lookupFrom(entry.envs)), entry.expected),
    }),
  );
  file.TestShellParserMandatoryEnvVars.cases.forEach((entry, index) =>
    cases.push({
      name: `mandatoryEnvVars[${index}] ${entry.input} ${entry.envs.join(' ')}`,
      run: () => checkMandatory(entry.input, lookupFrom(entry.envs), entry.expected, entry.expectErrorContains),
    }),
  );
  file.TestGetEnv.cases.forEach((entry, index) =>
    cases.push({
      name: `getEnv[${index}] ${entry.key} in ${entry.envs.join(' ')}`,
      run: () => expectOutcome(() => lookupFrom(entry.envs)(entry.key) ?? '', entry.expected),
    }),
  );
  return cases;
}

function checkMatches(entry: MatchesCase): string | undefined {
  const lookup = lookupFrom(entry.envs);
  if (entry.expectedErr) return expectOutcome(() => expandWord(entry.input, lookup), undefined);
  let result;
  try {
    result = expandWordWithMatches(entry.input, lookup);
  } catch (error) {
    return `unexpected error: ${String(error)}`;
  }
  const actual = { value: result.value, matches: [...result.matched].sort(), unmatched: [...result.unmatched].sort() };
  const expected = { value: entry.expected, matches: [...entry.matches].sort(), unmatched: [...entry.unmatched].sort() };
  const same = JSON.stringify(actual) === JSON.stringify(expected);
  return same ? undefined : `got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`;
}

function checkMandatory(
  input: string,
  lookup: VariableLookup,
  expected: string | undefined,
  errorContains: string | undefined,
): string | undefined {
  if (errorContains === undefined) return expectOutcome(() => expandWord(input, lookup), expected);
  try {
    return `got ${JSON.stringify(expandWord(input, lookup))}, want an error containing ${JSON.stringify(errorContains)}`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.includes(errorContains) ? undefined : `error ${JSON.stringify(message)} lacks ${errorContains}`;
  }
}

/** Runs `produce`; `expected` undefined means an error must be thrown. */
function expectOutcome(produce: () => string, expected: string | undefined): string | undefined {
  let actual: string;
  try {
    actual = produce();
  } catch (error) {
    return expected === undefined ? undefined : `unexpected error: ${String(error)}`;
  }
  if (expected === undefined) return `got ${JSON.stringify(actual)}, want an error`;
  return actual === expected ? undefined : `got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`;
}

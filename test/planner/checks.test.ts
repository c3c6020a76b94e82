// Build checks: each rule with the message BuildKit prints, its negatives, and the check directive.
import { describe, expect, it, test } from 'vitest';
import { parseDockerfile } from '../../src/parser/index.js';
import { formatFinding, parseCheckDirective, runChecks } from '../../src/planner/index.js';
import { dockerfile } from './helpers.js';

async function check(text: string): Promise<string[]> {
  const { findings } = await runChecks(parseDockerfile(dockerfile(text), { file: 'Dockerfile' }));
  return findings.map(formatFinding);
}

describe('build checks (messages as BuildKit prints them)', () => {
  test.each([
    ['FromAsCasing', 'FROM busybox as build', "Dockerfile:1: FromAsCasing: 'as' and 'FROM' keywords' casing do not match"],
    ['StageNameCasing', 'FROM busybox AS Build', "Dockerfile:1: StageNameCasing: Stage name 'Build' should be lowercase"],
    ['DuplicateStageName', 'FROM busybox AS a\nFROM busybox AS a', 'Dockerfile:2: DuplicateStageName: Duplicate stage name "a", stage names should be unique'],
    ['ReservedStageName', 'FROM busybox AS scratch', 'Dockerfile:1: ReservedStageName: Stage name should not use the same name as reserved stage "scratch"'],
    ['JSONArgsRecommended', 'FROM busybox\nCMD echo hi', 'Dockerfile:2: JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals'],
    ['MaintainerDeprecated', 'FROM busybox\nMAINTAINER me', 'Dockerfile:2: MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label'],
    ['SecretsUsedInArgOrEnv', 'FROM busybox\nARG GITHUB_TOKEN', 'Dockerfile:2: SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ARG "GITHUB_TOKEN")'],
    ['WorkdirRelativePath', 'FROM busybox\nWORKDIR app', 'Dockerfile:2: WorkdirRelativePath: Relative workdir "app" can have unexpected results if the base image changes'],
    ['UndefinedArgInFrom', 'ARG VERSION\nFROM busybox:$VERSIO', "Dockerfile:2: UndefinedArgInFrom: FROM argument 'VERSIO' is not declared (did you mean VERSION?)"],
    ['UndefinedVar', 'FROM scratch\nENV PATH=$PAHT:/app', "Dockerfile:2: UndefinedVar: Usage of undefined variable '$PAHT' (did you mean $PATH?)"],
    ['MultipleInstructionsDisallowed', 'FROM busybox\nCMD ["a"]\nCMD ["b"]', 'Dockerfile:2: MultipleInstructionsDisallowed: Multiple CMD instructions should not be used in the same stage because only the last one will be used'],
    ['ConsistentInstructionCasing', 'FROM busybox\nrun echo\nRUN echo', "Dockerfile:2: ConsistentInstructionCasing: Command 'run' should match the case of the command majority (uppercase)"],
    ['LegacyKeyValueFormat', 'FROM busybox\nENV A b', 'Dockerfile:2: LegacyKeyValueFormat: "ENV key=value" should be used instead of legacy "ENV key value" format'],
    ['InvalidDefaultArgInFrom', 'ARG TAG\nFROM busybox:${TAG}', 'Dockerfile:2: InvalidDefaultArgInFrom: Default value for ARG busybox:${TAG} results in empty or invalid base image name'],
    ['NoEmptyContinuation', 'FROM busybox\nRUN echo a \\\n\n  b', 'Dockerfile:4: NoEmptyContinuation: Empty continuation line'],
  ])('%s', async (_rule, text, expected) => {
    expect(await check(text)).toContain(expected);
  });

  test.each([
    ['FROM busybox AS build', 'matching FROM/AS casing'],
    ['FROM busybox\nSHELL ["/bin/bash", "-c"]\nCMD echo hi', 'shell form after an explicit SHELL'],
    ['FROM busybox\nWORKDIR /app\nWORKDIR sub', 'relative WORKDIR after an absolute one'],
    ['FROM busybox\nARG PUBLIC_KEY', 'a public key'],
    ['FROM busybox\nARG V\nENV X=$V', 'a variable declared by ARG without value'],
    ['FROM busybox\nENV X=$FROM_BASE_IMAGE', 'a variable the unresolved base image may define'],
    ['ARG TAG=1\nFROM busybox:${TAG}', 'a valid default in FROM'],
    ['FROM busybox\nENV A=b\nLABEL x=y', 'key=value forms'],
  ])('reports nothing for %j (%s)', async (text) => {
    expect(await check(text)).toEqual([]);
  });

  // BuildKit's suggest.Search (util/suggest): Levenshtein distance under 3, case-sensitive for
  // UndefinedVar and UndefinedArgInFrom (validations.go), whatever the candidate's length.
  test.each([
    ['FROM scratch\nENV AB=1\nENV X=$XY', "Dockerfile:3: UndefinedVar: Usage of undefined variable '$XY' (did you mean $AB?)"],
    ['FROM scratch\nENV foo=1\nENV X=$FOO', "Dockerfile:3: UndefinedVar: Usage of undefined variable '$FOO'"],
    ['FROM scratch\nENV ABCDEFGH=1\nENV X=$ABCDEXYZ', "Dockerfile:3: UndefinedVar: Usage of undefined variable '$ABCDEXYZ'"],
    ['ARG VERSION\nFROM scratch:$version', "Dockerfile:2: UndefinedArgInFrom: FROM argument 'version' is not declared"],
    ['ARG AB\nFROM scratch:$XY', "Dockerfile:2: UndefinedArgInFrom: FROM argument 'XY' is not declared (did you mean AB?)"],
  ])('did-you-mean as BuildKit: %j', async (text, expected) => {
    const findings = await check(text);
    expect(findings.filter((f) => f.includes('Undefined'))).toEqual([expected]);
  });

  it('honours # check=skip and reports error=true', async () => {
    const parsed = parseDockerfile('# check=skip=JSONArgsRecommended;error=true\nFROM busybox as b\nCMD echo\n', { file: 'Dockerfile' });
    const { findings, config } = await runChecks(parsed);
    expect(findings.map((f) => f.rule)).toEqual(['FromAsCasing']);
    expect(config.error).toBe(true);
    const all = parseDockerfile('# check=skip=all\nFROM busybox as b\n', { file: 'Dockerfile' });
    expect((await runChecks(all)).findings).toEqual([]);
  });

  test.each([
    ['skip=A,B', { skip: new Set(['A', 'B']), error: false }],
    ['skip=all;error=true', { skip: 'all', error: true }],
    ['error=false', { skip: new Set(), error: false }],
    [undefined, { skip: new Set(), error: false }],
  ])('parses check=%s', (value, expected) => {
    expect(parseCheckDirective(value)).toEqual(expected);
  });
});

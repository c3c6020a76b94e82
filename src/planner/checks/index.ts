// Build checks: every rule run over a Dockerfile, honouring `# check=skip=...;error=true`.
import type { Dockerfile } from '../../parser/index.js';
import { planBuild } from '../plan.js';
import type { PlanOptions } from '../types.js';
import { hostPlatform } from '../../spec/index.js';
import { consistentInstructionCasing } from './consistent-instruction-casing.js';
import { duplicateStageName } from './duplicate-stage-name.js';
import { fromAsCasing } from './from-as-casing.js';
import { invalidDefaultArgInFrom } from './invalid-default-arg-in-from.js';
import { jsonArgsRecommended } from './json-args-recommended.js';
import { legacyKeyValueFormat } from './legacy-key-value-format.js';
import { maintainerDeprecated } from './maintainer-deprecated.js';
import { multipleInstructionsDisallowed } from './multiple-instructions-disallowed.js';
import { noEmptyContinuation } from './no-empty-continuation.js';
import { undefinedArgInFrom, undefinedVar } from './plan-warning-rules.js';
import { reservedStageName } from './reserved-stage-name.js';
import { secretsUsedInArgOrEnv } from './secrets-used-in-arg-or-env.js';
import { stageNameCasing } from './stage-name-casing.js';
import type { CheckFinding, CheckRule } from './types.js';
import { workdirRelativePath } from './workdir-relative-path.js';

export type { CheckFinding, CheckRule } from './types.js';

export const CHECK_RULES: readonly CheckRule[] = [
  stageNameCasing, fromAsCasing, noEmptyContinuation, consistentInstructionCasing, duplicateStageName,
  reservedStageName, jsonArgsRecommended, maintainerDeprecated, undefinedArgInFrom, workdirRelativePath,
  undefinedVar, multipleInstructionsDisallowed, legacyKeyValueFormat, secretsUsedInArgOrEnv,
  invalidDefaultArgInFrom,
];

/** The `# check=` directive: rules to skip (`all` skips every rule) and whether findings fail. */
export interface CheckConfig {
  skip: Set<string> | 'all';
  error: boolean;
}

export function parseCheckDirective(value: string | undefined): CheckConfig {
  const config: CheckConfig = { skip: new Set(), error: false };
  for (const part of (value ?? '').split(';')) {
    const [key = '', ...rest] = part.split('=');
    const val = rest.join('=').trim();
    if (key.trim() === 'skip') {
      const names = val.split(',').map((n) => n.trim()).filter(Boolean);
      config.skip = names.some((n) => n.toLowerCase() === 'all') ? 'all' : new Set(names);
    } else if (key.trim() === 'error') {
      config.error = val.toLowerCase() === 'true';
    }
  }
  return config;
}

export interface CheckResult {
  findings: CheckFinding[];
  config: CheckConfig;
}

/**
 * Runs every rule not skipped; UndefinedVar needs an offline plan of all stages, made with the
 * build's named contexts (`--build-context`).
 */
export async function runChecks(
  dockerfile: Dockerfile, buildArgs: Record<string, string> = {}, named: Pick<PlanOptions, 'namedImages' | 'namedFiles'> = {},
): Promise<CheckResult> {
  const config = parseCheckDirective(dockerfile.directives.check);
  const skip = config.skip;
  if (skip === 'all') return { findings: [], config };
  const host = hostPlatform();
  const { warnings } = await planBuild(dockerfile, { buildArgs, ...named, platforms: [host], buildPlatform: host, lint: true });
  const findings = CHECK_RULES.filter((rule) => !skip.has(rule.name))
    .flatMap((rule) => rule.run({ dockerfile, planWarnings: warnings }))
    .sort((a, b) => a.location.line - b.location.line || a.rule.localeCompare(b.rule));
  return { findings, config };
}

/** `Dockerfile:3: FromAsCasing: 'as' and 'FROM' keywords' casing do not match` */
export function formatFinding(f: CheckFinding): string {
  return `${f.location.file}:${f.location.line}: ${f.rule}: ${f.message}`;
}

// SecretsUsedInArgOrEnv: ARG/ENV names that look like secrets end up in the image metadata.
import type { Instruction } from '../../parser/index.js';
import { finding } from './types.js';
import type { CheckFinding, CheckInput, CheckRule } from './types.js';

const SECRET = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const ALLOWED = /(?:_|^)(?:public)(?:_|$)/i;

function looksSecret(name: string): boolean {
  return SECRET.test(name) && !ALLOWED.test(name);
}

export const secretsUsedInArgOrEnv: CheckRule = {
  name: 'SecretsUsedInArgOrEnv',
  run(input) {
    const all: Instruction[] = [...input.dockerfile.globalArgs, ...input.dockerfile.stages.flatMap((s) => s.instructions)];
    return all.flatMap((ins) => findingsFor(input, ins));
  },
};

function findingsFor(input: CheckInput, ins: Instruction): CheckFinding[] {
  const names = ins.kind === 'ARG' ? ins.args.map((a) => a.name) : ins.kind === 'ENV' ? ins.vars.map((v) => v.key) : [];
  return names
    .filter(looksSecret)
    .map((name) => finding(input, 'SecretsUsedInArgOrEnv', `Do not use ARG or ENV instructions for sensitive data (${ins.kind} "${name}")`, ins.range));
}

// ONBUILD triggers of a base image: parsed with the Dockerfile parser and run first in the
// stage built on it, like BuildKit. Errors point at the FROM line that pulled them in.
import { DockerfileSyntaxError } from '../errors.js';
import { parseDockerfile } from '../parser/index.js';
import type { FromInstruction } from '../parser/index.js';
import type { PlanContext } from './context.js';
import type { StageInstruction } from './dispatch.js';

const FORBIDDEN = new Set(['FROM', 'ONBUILD', 'MAINTAINER']);

export function parseOnbuildTriggers(ctx: PlanContext, triggers: string[], from: FromInstruction): StageInstruction[] {
  const text = `FROM scratch\n${triggers.join('\n')}\n`;
  let instructions: StageInstruction[];
  try {
    instructions = parseDockerfile(text, { file: `${ctx.file} (ONBUILD of ${from.image})` }).stages[0]?.instructions ?? [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new DockerfileSyntaxError(`invalid ONBUILD trigger of base image: ${message}`, ctx.at(from.range), {
      code: 'PLAN_INVALID', cause: error,
    });
  }
  return instructions.map((ins) => {
    if (FORBIDDEN.has(ins.kind)) throw ctx.invalid(`${ins.kind} isn't allowed as an ONBUILD trigger`, from.range);
    return { ...ins, range: from.range };
  });
}

// JSONArgsRecommended: shell-form CMD/ENTRYPOINT do not pass signals. Not reported once a
// SHELL instruction set the shell explicitly (in the stage or a stage it is built FROM).
import type { Stage } from '../../parser/index.js';
import { finding } from './types.js';
import type { CheckRule } from './types.js';

export const jsonArgsRecommended: CheckRule = {
  name: 'JSONArgsRecommended',
  run(input) {
    const stages = input.dockerfile.stages;
    return stages.flatMap((stage) => {
      let shellSet = inheritsShell(stages, stage);
      return stage.instructions.flatMap((ins) => {
        if (ins.kind === 'SHELL') shellSet = true;
        if ((ins.kind !== 'CMD' && ins.kind !== 'ENTRYPOINT') || ins.command.form !== 'shell' || shellSet) return [];
        return [finding(input, this.name, `JSON arguments recommended for ${ins.kind} to prevent unintended behavior related to OS signals`, ins.range)];
      });
    });
  },
};

/** True when a stage this one is built FROM (transitively) has a SHELL instruction. */
function inheritsShell(stages: Stage[], stage: Stage, depth = 0): boolean {
  const wanted = stage.from.image.toLowerCase();
  const base = stages.slice(0, stage.index).find((s) => s.from.stageName?.toLowerCase() === wanted);
  if (!base || depth > stages.length) return false;
  return base.instructions.some((i) => i.kind === 'SHELL') || inheritsShell(stages, base, depth + 1);
}

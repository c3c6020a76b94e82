// WorkdirRelativePath: a relative WORKDIR before any absolute one depends on the base image.
import type { Stage } from '../../parser/index.js';
import { finding } from './types.js';
import type { CheckRule } from './types.js';

export const workdirRelativePath: CheckRule = {
  name: 'WorkdirRelativePath',
  run(input) {
    const stages = input.dockerfile.stages;
    return stages.flatMap((stage) => {
      let absoluteSet = inheritsWorkdir(stages, stage);
      return stage.instructions.flatMap((ins) => {
        if (ins.kind !== 'WORKDIR') return [];
        if (isAbsolute(ins.path)) {
          absoluteSet = true;
          return [];
        }
        if (absoluteSet) return [];
        return [finding(input, this.name, `Relative workdir "${ins.path}" can have unexpected results if the base image changes`, ins.range)];
      });
    });
  },
};

/** `/x`, or starting with a variable (`$HOME/x`), which may well be absolute. */
function isAbsolute(path: string): boolean {
  return path.startsWith('/') || path.startsWith('$');
}

function inheritsWorkdir(stages: Stage[], stage: Stage, depth = 0): boolean {
  const wanted = stage.from.image.toLowerCase();
  const base = stages.slice(0, stage.index).find((s) => s.from.stageName?.toLowerCase() === wanted);
  if (!base || depth > stages.length) return false;
  return base.instructions.some((i) => i.kind === 'WORKDIR' && isAbsolute(i.path)) || inheritsWorkdir(stages, base, depth + 1);
}

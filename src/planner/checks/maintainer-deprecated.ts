// MaintainerDeprecated: MAINTAINER is deprecated; use a label.
import { finding } from './types.js';
import type { CheckRule } from './types.js';

export const maintainerDeprecated: CheckRule = {
  name: 'MaintainerDeprecated',
  run(input) {
    return input.dockerfile.stages.flatMap((stage) =>
      stage.instructions
        .filter((ins) => ins.kind === 'MAINTAINER')
        .map((ins) => finding(input, this.name, 'Maintainer instruction is deprecated in favor of using label', ins.range)),
    );
  },
};

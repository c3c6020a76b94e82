// MultipleInstructionsDisallowed: only the last CMD / ENTRYPOINT / HEALTHCHECK of a stage counts.
import { finding } from './types.js';
import type { CheckRule } from './types.js';

const SINGLE = ['CMD', 'ENTRYPOINT', 'HEALTHCHECK'] as const;

export const multipleInstructionsDisallowed: CheckRule = {
  name: 'MultipleInstructionsDisallowed',
  run(input) {
    return input.dockerfile.stages.flatMap((stage) =>
      SINGLE.flatMap((kind) => {
        const all = stage.instructions.filter((ins) => ins.kind === kind);
        return all.slice(0, -1).map((ins) =>
          finding(input, this.name, `Multiple ${kind} instructions should not be used in the same stage because only the last one will be used`, ins.range),
        );
      }),
    );
  },
};

// StageNameCasing: stage names should be lowercase.
import { finding } from './types.js';
import type { CheckRule } from './types.js';

export const stageNameCasing: CheckRule = {
  name: 'StageNameCasing',
  run(input) {
    return input.dockerfile.stages.flatMap((stage) => {
      // The parser lower-cases stageName (as BuildKit does for lookups): read the name as written.
      const name = stage.from.stageName ? stage.from.original.trim().split(/\s+/).pop() : undefined;
      if (!name || name === name.toLowerCase()) return [];
      return [finding(input, this.name, `Stage name '${name}' should be lowercase`, stage.from.range)];
    });
  },
};
